// Intercom's official Node SDK, pointed at the sandbox, unchanged. Run by the Rust test
// `sdk_node` of this crate with INTERCOM_SANDBOX_URL and INTERCOM_SANDBOX_TOKEN set.
import { test } from "node:test";
import assert from "node:assert/strict";
import { IntercomClient, IntercomError } from "intercom-client";

const baseUrl = process.env.INTERCOM_SANDBOX_URL;
const token = process.env.INTERCOM_SANDBOX_TOKEN;
const client = new IntercomClient({ token, baseUrl });

async function all(pageable) {
  const items = [];
  for await (const item of pageable) items.push(item);
  return items;
}

test("admins: identify, list, find", async () => {
  const me = await client.admins.identify();
  assert.ok(me.id);
  const { admins } = await client.admins.list();
  assert.ok(admins.some((a) => a.id === me.id));
  const found = await client.admins.find({ admin_id: Number(me.id) });
  assert.equal(found.id, me.id);
});

test("a wrong token is a 401", async () => {
  const bad = new IntercomClient({ token: "not-a-token", baseUrl });
  await assert.rejects(bad.admins.list(), (err) => err instanceof IntercomError && err.statusCode === 401);
});

test("contacts: create, find, search, update, list every page", async () => {
  const email = `node-${Date.now()}@example.com`;
  const created = await client.contacts.create({ email, name: "Node Person" });
  assert.equal(created.email, email);
  const fetched = await client.contacts.find({ contact_id: created.id });
  assert.equal(fetched.name, "Node Person");
  const found = await all(
    await client.contacts.search({ query: { field: "email", operator: "=", value: email }, pagination: { per_page: 5 } }),
  );
  assert.deepEqual(found.map((c) => c.id), [created.id]);
  const updated = await client.contacts.update({ contact_id: created.id, name: "Renamed Node" });
  assert.equal(updated.name, "Renamed Node");
  const listed = await all(await client.contacts.list({ per_page: 9 }));
  assert.ok(listed.length >= 40);
  assert.equal(new Set(listed.map((c) => c.id)).size, listed.length);
});

test("conversations: list, search, create, reply, close", async () => {
  const me = await client.admins.identify();
  const listed = await all(await client.conversations.list({ per_page: 25 }));
  assert.ok(listed.length >= 50);
  const open = await all(
    await client.conversations.search({ query: { field: "open", operator: "=", value: true }, pagination: { per_page: 10 } }),
  );
  assert.ok(open.length > 0 && open.every((c) => c.open === true));

  const contact = (await all(await client.contacts.list({ per_page: 3 })))[0];
  const message = await client.conversations.create({ from: { type: "user", id: contact.id }, body: "Hello from Node" });
  assert.ok(message.conversation_id);
  const replied = await client.conversations.reply({
    conversation_id: message.conversation_id,
    body: { message_type: "note", type: "admin", admin_id: me.id, body: "Internal note from Node" },
  });
  assert.ok(replied.conversation_parts.conversation_parts.some((p) => (p.body ?? "").includes("Internal note from Node")));
  const closed = await client.conversations.manage({
    conversation_id: message.conversation_id,
    body: { message_type: "close", type: "admin", admin_id: me.id },
  });
  assert.equal(closed.state, "closed");
});

test("tickets: types, states, create, update, search, reply", async () => {
  const me = await client.admins.identify();
  const { data: types } = await client.ticketTypes.list();
  const bug = types.find((t) => t.name === "Bug report");
  assert.ok(bug, "the demo workspace has a Bug report type");
  const { data: states } = await client.ticketStates.listTicketStates();
  assert.ok(states.some((s) => s.category === "waiting_on_customer"));

  const contact = (await all(await client.contacts.list({ per_page: 3 })))[0];
  const ticket = await client.tickets.create({
    ticket_type_id: bug.id,
    contacts: [{ id: contact.id }],
    ticket_attributes: { _default_title_: "From Node", Severity: "Low" },
  });
  assert.equal(ticket.ticket_attributes._default_title_, "From Node");
  const waiting = bug.ticket_states.data.find((s) => s.category === "waiting_on_customer");
  const updated = await client.tickets.update({ ticket_id: ticket.id, ticket_state_id: waiting.id, admin_id: Number(me.id) });
  assert.equal(updated.ticket_state.category, "waiting_on_customer");

  const found = await all(
    await client.tickets.search({
      query: { operator: "AND", value: [
        { field: "state", operator: "=", value: "waiting_on_customer" },
        { field: "contact_ids", operator: "=", value: contact.id },
      ] },
      pagination: { per_page: 2 },
    }),
  );
  assert.ok(found.some((t) => t.id === ticket.id));
  assert.ok(found.every((t) => t.ticket_state.category === "waiting_on_customer"));

  const part = await client.tickets.reply({
    ticket_id: ticket.id,
    body: { message_type: "comment", type: "admin", admin_id: me.id, body: "On it" },
  });
  assert.equal(part.part_type, "comment");
  const fetched = await client.tickets.get({ ticket_id: ticket.id });
  assert.ok(fetched.ticket_parts.ticket_parts.some((p) => p.id === part.id));
});

test("tags: create, rename, tag and untag a contact, a conversation and a ticket, delete", async () => {
  const me = await client.admins.identify();
  assert.ok(me.avatar?.image_url, "/me gives avatar.image_url");
  const found = await client.admins.find({ admin_id: Number(me.id) });
  assert.equal(found.avatar?.image_url, me.avatar.image_url, "admins give the same avatar object");

  const name = `node-tag-${Date.now()}`;
  const tag = await client.tags.create({ name });
  assert.equal(tag.name, name);
  assert.ok((await client.tags.list()).data.some((t) => t.id === tag.id));
  const renamed = await client.tags.create({ id: tag.id, name: `${name}-renamed` });
  assert.equal(renamed.id, tag.id);
  assert.equal((await client.tags.find({ tag_id: tag.id })).name, `${name}-renamed`);

  const contact = (await all(await client.contacts.list({ per_page: 3 })))[0];
  assert.equal((await client.tags.tagContact({ contact_id: contact.id, id: tag.id })).id, tag.id);
  const tagged = await all(
    await client.contacts.search({ query: { field: "tag_id", operator: "=", value: tag.id }, pagination: { per_page: 5 } }),
  );
  assert.deepEqual(tagged.map((c) => c.id), [contact.id]);
  assert.equal((await client.tags.untagContact({ contact_id: contact.id, tag_id: tag.id })).id, tag.id);

  const conversation = (await all(await client.conversations.list({ per_page: 3 })))[0];
  const onConversation = await client.tags.tagConversation({ conversation_id: conversation.id, id: tag.id, admin_id: me.id });
  assert.equal(onConversation.id, tag.id);
  await client.tags.untagConversation({ conversation_id: conversation.id, tag_id: tag.id, admin_id: me.id });

  const { data: types } = await client.ticketTypes.list();
  const bug = types.find((t) => t.name === "Bug report");
  const ticket = await client.tickets.create({
    ticket_type_id: bug.id,
    contacts: [{ id: contact.id }],
    ticket_attributes: { _default_title_: "Tagged from Node", Severity: "Low" },
  });
  assert.equal((await client.tags.tagTicket({ ticket_id: ticket.id, id: tag.id, admin_id: me.id })).id, tag.id);
  await client.tags.untagTicket({ ticket_id: ticket.id, tag_id: tag.id, admin_id: me.id });

  await client.tags.delete({ tag_id: tag.id });
  await assert.rejects(client.tags.find({ tag_id: tag.id }), (err) => err instanceof IntercomError && err.statusCode === 404);
});


test("notes: create, find, list", async () => {
  const me = await client.admins.identify();
  const contact = (await all(await client.contacts.list({ per_page: 3 })))[0];
  const note = await client.notes.create({ contact_id: contact.id, body: "<p>From Node</p>", admin_id: me.id });
  assert.equal((await client.notes.find({ note_id: Number(note.id) })).id, note.id);
  const notes = await all(await client.notes.list({ contact_id: contact.id }));
  assert.ok(notes.some((n) => n.id === note.id));
});

test("articles: create, find, update, delete", async () => {
  const me = await client.admins.identify();
  const article = await client.articles.create({ title: "Node article", body: "<p>Hi</p>", author_id: Number(me.id), state: "draft" });
  assert.equal((await client.articles.find({ article_id: Number(article.id) })).title, "Node article");
  const updated = await client.articles.update({ article_id: Number(article.id), title: "Node article, renamed" });
  assert.equal(updated.title, "Node article, renamed");
  await client.articles.delete({ article_id: Number(article.id) });
});

test("data events: submit, list and summarize", async () => {
  const contact = (await all(await client.contacts.list({ per_page: 10 }))).find((c) => c.email);
  await client.events.create({ email: contact.email, event_name: "node-ordered", created_at: 1700000000 });
  await client.events.create({ id: contact.id, event_name: "node-ordered", created_at: 1700000060 });
  const listed = await client.events.list({ type: "user", email: contact.email });
  assert.deepEqual(
    (listed.events ?? []).filter((e) => e.event_name === "node-ordered").map((e) => e.created_at),
    [1700000060, 1700000000],
  );
  const summary = await client.events.list({ type: "user", intercom_user_id: contact.id, summary: true });
  assert.equal(summary.type, "event.summary");
  assert.equal(summary.events.find((e) => e.name === "node-ordered").count, 2);
});
