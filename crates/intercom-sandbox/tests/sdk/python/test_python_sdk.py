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
    CreateContactRequestWithEmail,
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
