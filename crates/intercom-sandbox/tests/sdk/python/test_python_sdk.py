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
