"""Intercom's official Python SDK, pointed at the sandbox, unchanged.

The Rust test `sdk_python` in this crate starts a sandbox on a loopback port and runs this file
with INTERCOM_SANDBOX_URL and INTERCOM_SANDBOX_TOKEN set. Each test uses the SDK exactly as a
customer would against api.intercom.io; only `base_url` differs.
"""

import os
import uuid

import pytest
from intercom import Intercom
from intercom.core.api_error import ApiError
from intercom.conversations import (
    ConversationsManageRequestBody_Close,
    CreateConversationRequestFrom,
)
from intercom.types import (
    AdminReplyConversationRequest,
    CreateArticleRequest,
    CreateDataEventRequestWithEmail,
    CreateOrUpdateTagRequest,
    AdminReplyTicketRequest,
    ContactReplyTicketIntercomUserIdRequest,
    CreateContactRequestWithEmail,
    CreateTicketRequestContactsItemId,
    CreateTicketTypeRequest,
    MultipleFilterSearchRequest,
    SingleFilterSearchRequest,
    StartingAfterPaging,
)


@pytest.fixture(scope="module")
def client():
    url = os.environ["INTERCOM_SANDBOX_URL"]
    token = os.environ["INTERCOM_SANDBOX_TOKEN"]
    return Intercom(token=token, base_url=url)


@pytest.fixture(scope="module")
def admin_id(client):
    me = client.admins.identify()
    assert me is not None and me.id
    return me.id


def test_list_admins(client, admin_id):
    admins = client.admins.list().admins
    assert admins, "the demo workspace has admins"
    ids = [a.id for a in admins]
    assert admin_id in ids
    assert all(a.email for a in admins)
    found = client.admins.find(admin_id=int(admin_id))
    assert found.id == admin_id
    # The SDK models an admin's avatar as an object with `image_url`, as `/me` answers it.
    assert found.avatar is not None and found.avatar.image_url
    assert all(a.avatar.image_url for a in admins)


def test_wrong_token_is_rejected():
    bad = Intercom(token="not-a-token", base_url=os.environ["INTERCOM_SANDBOX_URL"])
    with pytest.raises(ApiError) as err:
        bad.admins.list()
    assert err.value.status_code == 401


def test_contacts_create_retrieve_search_update(client):
    email = f"sdk-{uuid.uuid4().hex[:10]}@example.com"
    created = client.contacts.create(request=CreateContactRequestWithEmail(email=email, name="Sdk Person"))
    assert created.id
    assert created.email == email

    fetched = client.contacts.find(contact_id=created.id)
    assert fetched.id == created.id
    assert fetched.name == "Sdk Person"

    found = list(
        client.contacts.search(
            query=SingleFilterSearchRequest(field="email", operator="=", value=email),
            pagination=StartingAfterPaging(per_page=5),
        )
    )
    assert [c.id for c in found] == [created.id]

    updated = client.contacts.update(contact_id=created.id, name="Renamed Person")
    assert updated.name == "Renamed Person"
    assert client.contacts.find(contact_id=created.id).name == "Renamed Person"


def test_contacts_list_follows_every_page(client):
    seen = [c.id for c in client.contacts.list(per_page=7)]
    assert len(seen) >= 40, "the demo workspace has about 50 contacts"
    assert len(seen) == len(set(seen)), "no contact twice across pages"


def test_missing_contact_is_404(client):
    with pytest.raises(ApiError) as err:
        client.contacts.find(contact_id="000000000000000000000000")
    assert err.value.status_code == 404


def test_conversations_list_and_search(client):
    listed = [c.id for c in client.conversations.list(per_page=20)]
    assert len(listed) >= 50
    assert len(listed) == len(set(listed))

    # Only the first page: python-intercom 5.0.1's search pager asks for the same page again
    # instead of passing `pages.next.starting_after` on (so iterating it never ends, against
    # Intercom too). The cursor itself is checked by following it by hand.
    query = MultipleFilterSearchRequest(
        operator="AND",
        value=[
            SingleFilterSearchRequest(field="open", operator="=", value=True),
            SingleFilterSearchRequest(field="created_at", operator=">", value=0),
        ],
    )
    first = client.conversations.search(query=query, pagination=StartingAfterPaging(per_page=10))
    assert len(first.items) == 10
    assert all(c.open for c in first.items)
    cursor = first.response.pages.next.starting_after
    second = client.conversations.search(
        query=query, pagination=StartingAfterPaging(per_page=10, starting_after=cursor)
    )
    assert second.items
    assert all(c.open for c in second.items)
    assert not {c.id for c in first.items} & {c.id for c in second.items}


def test_create_reply_and_close(client, admin_id):
    contact = next(iter(client.contacts.list(per_page=5)))
    message = client.conversations.create(
        from_=CreateConversationRequestFrom(type="user", id=contact.id),
        body="Hello from the Python SDK",
    )
    conversation_id = message.conversation_id
    assert conversation_id

    replied = client.conversations.reply(
        conversation_id=conversation_id,
        request=AdminReplyConversationRequest(
            message_type="comment", type="admin", admin_id=admin_id, body="We are on it."
        ),
    )
    parts = replied.conversation_parts.conversation_parts
    assert any("We are on it." in (p.body or "") for p in parts)

    closed = client.conversations.manage(
        conversation_id=conversation_id,
        request=ConversationsManageRequestBody_Close(admin_id=admin_id, body="Closing, thanks!"),
    )
    assert closed.state == "closed"
    assert closed.open is False

    again = client.conversations.find(conversation_id=conversation_id)
    assert again.state == "closed"


def test_ticket_types_and_states(client):
    types = client.ticket_types.list().data
    assert {"Bug report", "Refund request", "Access request"} <= {t.name for t in types}
    bug = next(t for t in types if t.name == "Bug report")
    assert client.ticket_types.get(ticket_type_id=bug.id).name == "Bug report"
    states = client.ticket_states.list_ticket_states().data
    assert {"submitted", "in_progress", "waiting_on_customer", "resolved"} <= {s.category for s in states}

    created = client.ticket_types.create(
        request=CreateTicketTypeRequest(name=f"SDK type {uuid.uuid4().hex[:8]}", category="Customer")
    )
    attribute = client.ticket_types.attributes.create(
        ticket_type_id=created.id, name="Priority", description="How urgent", data_type="list", list_items="Low,High"
    )
    assert attribute.name == "Priority"
    renamed = client.ticket_types.update(ticket_type_id=created.id, description="From the Python SDK")
    assert renamed.description == "From the Python SDK"


def test_ticket_create_update_search_reply_tag_delete(client, admin_id):
    ticket_type = client.ticket_types.create(
        request=CreateTicketTypeRequest(name=f"SDK tickets {uuid.uuid4().hex[:8]}", category="Customer")
    )
    contact = next(iter(client.contacts.list(per_page=1)))
    ticket = client.tickets.create(
        ticket_type_id=ticket_type.id,
        contacts=[CreateTicketRequestContactsItemId(id=contact.id)],
        request_options={"additional_body_parameters": {"ticket_attributes": {"_default_title_": "From Python"}}},
    )
    assert ticket.ticket_attributes["_default_title_"] == "From Python"
    assert ticket.ticket_state.category == "submitted"
    assert client.tickets.get(ticket_id=ticket.id).id == ticket.id

    in_progress = next(s for s in ticket_type.ticket_states.data if s.category == "in_progress")
    updated = client.tickets.update(ticket_id=ticket.id, ticket_state_id=in_progress.id, admin_id=int(admin_id))
    assert updated.ticket_state.category == "in_progress"

    found = client.tickets.search(
        query=MultipleFilterSearchRequest(
            operator="AND",
            value=[
                SingleFilterSearchRequest(field="state", operator="=", value="in_progress"),
                SingleFilterSearchRequest(field="contact_ids", operator="=", value=contact.id),
            ],
        ),
        pagination=StartingAfterPaging(per_page=50),
    )
    assert ticket.id in [t.id for t in found.items]

    note = client.tickets.reply(
        ticket_id=ticket.id,
        request=AdminReplyTicketRequest(message_type="note", admin_id=admin_id, body="Looking into it"),
    )
    assert note.part_type == "note"
    answer = client.tickets.reply(
        ticket_id=ticket.id,
        request=ContactReplyTicketIntercomUserIdRequest(intercom_user_id=contact.id, body="Thanks!"),
    )
    assert answer.author.id == contact.id

    tag = client.tags.list().data[0]
    assert client.tags.tag_ticket(ticket_id=ticket.id, tag_id=tag.id, admin_id=admin_id).id == tag.id
    assert client.tags.untag_ticket(ticket_id=ticket.id, tag_id=tag.id, admin_id=admin_id).id == tag.id

    client.tickets.delete_ticket(ticket_id=ticket.id)
    with pytest.raises(ApiError) as err:
        client.tickets.get(ticket_id=ticket.id)
    assert err.value.status_code == 404


def test_tags_create_rename_tag_untag_delete(client, admin_id):
    name = f"sdk-tag-{uuid.uuid4().hex[:8]}"
    tag = client.tags.create(request=CreateOrUpdateTagRequest(name=name))
    assert tag.id and tag.name == name
    assert tag.id in [t.id for t in client.tags.list().data]
    assert client.tags.find(tag_id=tag.id).name == name
    renamed = client.tags.create(request=CreateOrUpdateTagRequest(id=tag.id, name=name + "-renamed"))
    assert renamed.id == tag.id and renamed.name == name + "-renamed"

    contact = next(iter(client.contacts.list(per_page=1)))
    assert client.tags.tag_contact(contact_id=contact.id, tag_id=tag.id).id == tag.id
    tagged = client.contacts.search(
        query=SingleFilterSearchRequest(field="tag_id", operator="=", value=tag.id),
        pagination=StartingAfterPaging(per_page=5),
    )
    assert [c.id for c in tagged.items] == [contact.id]
    assert client.tags.untag_contact(contact_id=contact.id, tag_id=tag.id).id == tag.id

    conversation = next(iter(client.conversations.list(per_page=1)))
    assert client.tags.tag_conversation(conversation_id=conversation.id, tag_id=tag.id, admin_id=admin_id).id == tag.id
    found = client.conversations.search(
        query=SingleFilterSearchRequest(field="tag_ids", operator="IN", value=[tag.id]),
        pagination=StartingAfterPaging(per_page=5),
    )
    assert [c.id for c in found.items] == [conversation.id]
    assert client.tags.untag_conversation(conversation_id=conversation.id, tag_id=tag.id, admin_id=admin_id).id == tag.id

    client.tags.delete(tag_id=tag.id)
    with pytest.raises(ApiError) as err:
        client.tags.find(tag_id=tag.id)
    assert err.value.status_code == 404


def test_search_with_a_long_in_list_and_float_dates(client):
    # Two defects from issue 8, through the SDK: ~1,000 IN values, and a float Unix time.
    contacts = [c.id for c in client.contacts.list(per_page=50)][:3]
    values = [f"nope-{i}" for i in range(997)] + contacts
    found = client.contacts.search(
        query=MultipleFilterSearchRequest(
            operator="AND",
            value=[
                SingleFilterSearchRequest(field="id", operator="IN", value=values),
                SingleFilterSearchRequest(field="created_at", operator=">", value=946684800.0),
            ],
        ),
        pagination=StartingAfterPaging(per_page=10),
    )
    assert sorted(c.id for c in found.items) == sorted(contacts)


def test_notes_create_find_list(client, admin_id):
    contact = next(iter(client.contacts.list(per_page=1)))
    note = client.notes.create(contact_id=contact.id, body="<p>From the Python SDK</p>", admin_id=admin_id)
    assert note.id
    assert client.notes.find(note_id=int(note.id)).id == note.id
    assert note.id in [n.id for n in client.notes.list(contact_id=contact.id)]


def test_articles_create_find_update_delete(client, admin_id):
    article = client.articles.create(
        request=CreateArticleRequest(title="SDK article", body="<p>Hello</p>", author_id=int(admin_id), state="draft")
    )
    assert article.id
    assert client.articles.find(article_id=int(article.id)).title == "SDK article"
    updated = client.articles.update(article_id=int(article.id), title="SDK article, renamed")
    assert updated.title == "SDK article, renamed"
    client.articles.delete(article_id=int(article.id))
    with pytest.raises(ApiError) as err:
        client.articles.find(article_id=int(article.id))
    assert err.value.status_code == 404


def test_data_events_submit_and_list(client):
    contact = next(c for c in client.contacts.list(per_page=50) if c.email)
    for at in (1700000000, 1700000060):
        client.events.create(
            request=CreateDataEventRequestWithEmail(email=contact.email, event_name="sdk-ordered", created_at=at)
        )
    events = client.events.list(type="user", email=contact.email)
    listed = [(e.event_name, e.created_at) for e in (events.events or []) if e.event_name == "sdk-ordered"]
    assert listed == [("sdk-ordered", 1700000060), ("sdk-ordered", 1700000000)]
    summary = client.events.list(type="user", intercom_user_id=contact.id, summary=True)
    assert summary.type == "event.summary"
    assert [(e.name, e.count) for e in summary.events if e.name == "sdk-ordered"] == [("sdk-ordered", 2)]
