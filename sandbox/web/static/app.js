/* The sandbox page: a Slack channel, its threads, the App Home and modals, beside a ClickOps console panel.
   Everything goes through the sandbox's JSON API; live changes arrive as server-sent events. */
(function () {
  "use strict";
  const BK = window.BlockKit;
  const el = BK.el;
  const $ = (id) => document.getElementById(id);

  const state = {
    workspace: null,
    users: {},
    channels: {},
    me: null,
    view: { kind: "channel", id: null },  // or {kind: "home"}
    messages: [],
    ephemerals: [],
    localNotes: [],
    thread: null,  // {channel, ts}
    modal: null,   // the open view
    home: null,
    types: [],
    log: [],
    seen: {},  // messages in each channel when the person last looked at it
  };

  /* ---- API ------------------------------------------------------------------------------------------------------ */

  async function api(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = { error: response.statusText }; }
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }

  /* ---- avatars and names ------------------------------------------------------------------------------------------ */

  const COLORS = ["#e8912d", "#2bac76", "#1d9bd1", "#cd2553", "#8f4ec7", "#4a9c9a", "#d4af37", "#e01e5a"];

  function avatar(userId, size) {
    const user = state.users[userId];
    const node = el("span", "avatar" + (size ? " avatar-" + size : ""));
    if (user && user.is_bot) {
      node.classList.add("avatar-bot");
      const img = el("img");
      img.src = "/static/tfsync.svg";
      img.alt = "";
      node.appendChild(img);
      return node;
    }
    const name = user ? (user.real_name || user.name) : "?";
    let hash = 0;
    for (const ch of userId || "") hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
    node.style.background = COLORS[hash % COLORS.length];
    node.textContent = name.split(/\s+/).map((p) => p[0] || "").join("").slice(0, 2).toUpperCase();
    return node;
  }

  function displayName(userId) {
    const user = state.users[userId];
    return user ? (user.real_name || user.name) : userId;
  }

  function timeOf(ts) {
    const d = new Date(Number(ts) * 1000);
    let h = d.getHours();
    const ampm = h >= 12 ? "PM" : "AM";
    h = h % 12 || 12;
    return h + ":" + String(d.getMinutes()).padStart(2, "0") + " " + ampm;
  }

  /* ---- Block Kit context: how the page acts on what it renders ------------------------------------------------------ */

  function blockCtx(extra) {
    return Object.assign({
      users: state.users,
      channels: state.channels,
      me: state.me,
      confirm: confirmDialog,
      loadOptions: () => Promise.resolve({ options: [] }),
    }, extra || {});
  }

  function messageCtx(message) {
    return blockCtx({
      onAction: (element, block, value) => act({
        channel: message.channel, message_ts: message.ts, action_id: element.action_id,
        block_id: block.block_id, value,
      }),
    });
  }

  async function act(body) {
    try {
      const answer = await api("POST", "/sandbox/interact", Object.assign({ user: state.me }, body));
      if (answer.view) openModal(answer.view);
      if (answer.problem) toast(answer.problem, true);
    } catch (err) {
      toast(err.message, true);
    }
  }

  /* ---- confirm dialogs ---------------------------------------------------------------------------------------- */

  function confirmDialog(confirm) {
    return new Promise((resolve) => {
      const overlay = el("div", "overlay overlay-confirm");
      const box = el("div", "dialog");
      box.setAttribute("role", "alertdialog");
      box.dataset.testid = "confirm";
      box.appendChild(el("h3", "dialog-title", BK.plainText(confirm.title) || "Are you sure?"));
      const body = confirm.text ? BK.textObject(confirm.text, blockCtx()) : el("div");
      body.classList.add("dialog-body");
      box.appendChild(body);
      const row = el("div", "dialog-actions");
      const deny = el("button", "btn", BK.plainText(confirm.deny) || "Cancel");
      const ok = el("button", "btn " + (confirm.style === "danger" ? "btn-danger" : "btn-primary"),
        BK.plainText(confirm.confirm) || "Yes");
      deny.type = ok.type = "button";
      ok.dataset.testid = "confirm-ok";
      const done = (value) => { overlay.remove(); document.removeEventListener("keydown", onKey); resolve(value); };
      const onKey = (ev) => { if (ev.key === "Escape") done(false); };
      deny.addEventListener("click", () => done(false));
      ok.addEventListener("click", () => done(true));
      document.addEventListener("keydown", onKey);
      row.appendChild(deny);
      row.appendChild(ok);
      box.appendChild(row);
      overlay.appendChild(box);
      $("modal-root").appendChild(overlay);
      ok.focus();
    });
  }

  /* ---- modals --------------------------------------------------------------------------------------------------- */

  function openModal(view) {
    state.modal = view;
    renderModal();
  }

  // What the person typed into a view's text inputs, by block and action id: Slack keeps it when the app updates
  // the same view and the input keeps its block_id and action_id.
  function typedValues(root, viewId) {
    const typed = {};
    root.querySelectorAll(`.overlay-modal [data-testid=modal][data-view-id="${CSS.escape(viewId)}"] .bk-input-block`)
      .forEach((node) => {
        const input = node.querySelector("input.bk-input, textarea.bk-input");
        if (input && node.element) typed[node.dataset.blockId + "\u0000" + node.element.action_id] = input.value;
      });
    return typed;
  }

  function renderModal() {
    const root = $("modal-root");
    const kept = state.modal ? typedValues(root, state.modal.id) : {};
    root.querySelectorAll(".overlay-modal").forEach((n) => n.remove());
    const view = state.modal;
    if (!view || !view.is_open) { state.modal = null; return; }
    const overlay = el("div", "overlay overlay-modal");
    const modal = el("div", "modal");
    modal.setAttribute("role", "dialog");
    modal.setAttribute("aria-modal", "true");
    modal.dataset.testid = "modal";
    modal.dataset.viewId = view.id;
    modal.dataset.callbackId = view.callback_id || "";
    const head = el("div", "modal-head");
    const appIcon = el("img", "modal-app-icon");
    appIcon.src = "/static/tfsync.svg";
    appIcon.alt = "";
    head.appendChild(appIcon);
    const title = el("h2", "modal-title");
    title.appendChild(BK.plainNodes(BK.plainText(view.title)));
    head.appendChild(title);
    const x = el("button", "icon-btn modal-x", "\u2715");
    x.type = "button";
    x.setAttribute("aria-label", "Close");
    x.addEventListener("click", () => closeModal(view));
    head.appendChild(x);
    modal.appendChild(head);
    const ctx = blockCtx({
      errors: view.errors || {},
      onAction: (element, block, value) => act({ view_id: view.id, action_id: element.action_id, block_id: block.block_id, value }),
      loadOptions: (element, block, query) => api("POST", "/sandbox/views/options", {
        user: state.me, view_id: view.id, action_id: element.action_id, query,
      }).catch(() => ({ options: [] })),
    });
    const body = el("div", "modal-body");
    body.appendChild(BK.renderBlocks(view.blocks, ctx));
    modal.appendChild(body);
    const foot = el("div", "modal-foot");
    const cancel = el("button", "btn", BK.plainText(view.close) || "Cancel");
    cancel.type = "button";
    cancel.addEventListener("click", () => closeModal(view));
    foot.appendChild(cancel);
    if (view.submit) {
      const submit = el("button", "btn btn-primary", BK.plainText(view.submit));
      submit.type = "button";
      submit.dataset.testid = "modal-submit";
      submit.addEventListener("click", () => submitModal(view, body, submit));
      foot.appendChild(submit);
    }
    modal.appendChild(foot);
    overlay.appendChild(modal);
    overlay.addEventListener("mousedown", (ev) => { if (ev.target === overlay) closeModal(view); });
    root.appendChild(overlay);
    body.querySelectorAll(".bk-input-block").forEach((node) => {
      const input = node.querySelector("input.bk-input, textarea.bk-input");
      const key = node.element ? node.dataset.blockId + "\u0000" + node.element.action_id : null;
      if (input && key !== null && key in kept) input.value = kept[key];
    });
    const first = body.querySelector("input.bk-input, textarea.bk-input");
    if (first) first.focus();
  }

  async function submitModal(view, body, button) {
    const { values, missing } = BK.collect(body);
    body.querySelectorAll(".bk-input-block").forEach((n) => n.setError(null));
    if (missing.length) {
      // Slack's client keeps a required input from being submitted empty, before the app hears of it.
      missing.forEach((n) => n.setError("Please complete this required field."));
      return;
    }
    button.disabled = true;
    button.classList.add("btn-busy");
    try {
      const answer = await api("POST", "/sandbox/views/submit", { user: state.me, view_id: view.id, values });
      if (answer.problem) toast(answer.problem, true);
      if (answer.errors && Object.keys(answer.errors).length) {
        body.querySelectorAll(".bk-input-block").forEach((n) => n.setError(answer.errors[n.dataset.blockId] || null));
      } else if (answer.view && answer.view.is_open) {
        openModal(answer.view);
      } else {
        state.modal = null;
        renderModal();
      }
    } catch (err) {
      toast(err.message, true);
    } finally {
      button.disabled = false;
      button.classList.remove("btn-busy");
    }
  }

  async function closeModal(view) {
    let below = null;
    try {
      // Closing a pushed modal shows the one under it, as in Slack.
      below = (await api("POST", "/sandbox/views/close", { user: state.me, view_id: view.id })).view;
    } catch (err) { /* already closed by the app */ }
    state.modal = below && below.is_open ? below : null;
    renderModal();
  }

  async function refreshModal() {
    if (!state.modal) return;
    try {
      const answer = await api("GET", "/sandbox/views/" + encodeURIComponent(state.modal.id));
      const view = answer.view;
      if (!view || !view.is_open) {
        // The app may have pushed or replaced it; whatever the person now sees is on top of their stack.
        state.modal = null;
      } else state.modal = view;
      renderModal();
    } catch (err) { state.modal = null; renderModal(); }
  }

  /* ---- messages ------------------------------------------------------------------------------------------------- */

  function messageNode(message, options) {
    const opts = options || {};
    const row = el("div", "message");
    row.dataset.ts = message.ts;
    row.dataset.testid = "message";
    if (opts.ephemeral) row.classList.add("message-ephemeral");
    if (opts.compact) row.classList.add("message-compact");
    // An ephemeral message is the app's, shown only to the person it is for (whose id it carries).
    const author = opts.ephemeral ? state.workspace.bot_user : message.user;
    const gutter = el("div", "message-gutter");
    if (opts.compact) gutter.appendChild(el("span", "message-hover-time", timeOf(message.ts)));
    else gutter.appendChild(avatar(author));
    row.appendChild(gutter);
    const content = el("div", "message-content");
    if (!opts.compact) {
      const head = el("div", "message-head");
      head.appendChild(el("span", "message-author", displayName(author)));
      if (state.users[author] && state.users[author].is_bot) head.appendChild(el("span", "app-badge", "APP"));
      head.appendChild(el("span", "message-time", timeOf(message.ts)));
      content.appendChild(head);
    }
    if (opts.ephemeral) {
      const note = el("div", "ephemeral-note");
      note.appendChild(el("span", "eye", "\u{1F441}\uFE0F"));
      note.appendChild(document.createTextNode(" Only visible to you"));
      content.insertBefore(note, content.firstChild);
    }
    const ctx = opts.ephemeral ? blockCtx({
      onAction: (element, block, value) => act({
        channel: message.channel, message_ts: message.ts, action_id: element.action_id,
        block_id: block.block_id, value, ephemeral: true,
      }),
    }) : messageCtx(message);
    if (message.blocks && message.blocks.length) content.appendChild(BK.renderBlocks(message.blocks, ctx));
    else content.appendChild(BK.mrkdwn(message.text, ctx));
    if (message.edited) content.appendChild(el("span", "edited", "(edited)"));
    if (!opts.inThread && message.replies && message.replies.length) {
      const bar = el("button", "replies-bar");
      bar.type = "button";
      bar.dataset.testid = "open-thread";
      const faces = el("span", "replies-faces");
      const seen = [];
      for (const r of message.replies) if (!seen.includes(r.user)) seen.push(r.user);
      seen.slice(0, 3).forEach((u) => faces.appendChild(avatar(u, "xs")));
      bar.appendChild(faces);
      bar.appendChild(el("span", "replies-count", message.replies.length + (message.replies.length === 1 ? " reply" : " replies")));
      bar.appendChild(el("span", "replies-last", "Last reply at " + timeOf(message.replies[message.replies.length - 1].ts)));
      bar.appendChild(el("span", "replies-view", "View thread \u203A"));
      bar.addEventListener("click", () => openThread(message.channel, message.ts));
      content.appendChild(bar);
    }
    row.appendChild(content);
    return row;
  }

  function dayDivider(ts) {
    const d = new Date(Number(ts) * 1000);
    const label = d.toDateString() === new Date().toDateString() ? "Today"
      : d.toLocaleDateString(undefined, { weekday: "long", month: "long", day: "numeric" });
    const node = el("div", "day-divider");
    node.appendChild(el("span", "day-pill", label));
    return node;
  }

  function renderMessages() {
    const list = $("messages");
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 120;
    list.textContent = "";
    const channel = state.channels[state.view.id];
    const intro = el("div", "channel-intro");
    intro.appendChild(el("div", "intro-title", "# " + (channel ? channel.name : "")));
    intro.appendChild(el("div", "intro-text", "This is the very beginning of the #" + (channel ? channel.name : "") +
      " channel. tfsync posts here when someone creates an AWS resource by hand: create one in the console panel on the right."));
    list.appendChild(intro);
    const items = state.messages.filter((m) => m.channel === state.view.id).map((m) => ({ m, eph: false }))
      .concat(state.ephemerals.filter((e) => e.channel === state.view.id && !e.thread_ts).map((m) => ({ m, eph: true })))
      .concat(state.localNotes.filter((e) => e.channel === state.view.id).map((m) => ({ m, eph: true })))
      .sort((a, b) => Number(a.m.ts) - Number(b.m.ts));
    let lastDay = null;
    let prev = null;
    for (const { m, eph } of items) {
      const day = new Date(Number(m.ts) * 1000).toDateString();
      if (day !== lastDay) { list.appendChild(dayDivider(m.ts)); lastDay = day; prev = null; }
      const compact = !eph && prev && prev.user === m.user && !prev.eph && Number(m.ts) - Number(prev.ts) < 300 &&
        !(prev.replies && prev.replies.length);
      list.appendChild(messageNode(m, { ephemeral: eph, compact }));
      prev = Object.assign({ eph }, m);
    }
    if (nearBottom) list.scrollTop = list.scrollHeight;
  }

  function openThread(channel, ts) {
    state.thread = { channel, ts };
    renderThread();
  }

  function renderThread() {
    const pane = $("thread");
    if (!state.thread) { pane.hidden = true; document.body.classList.remove("with-thread"); return; }
    const parent = state.messages.find((m) => m.channel === state.thread.channel && m.ts === state.thread.ts);
    if (!parent) { pane.hidden = true; return; }
    pane.hidden = false;
    document.body.classList.add("with-thread");
    const channel = state.channels[parent.channel];
    $("thread-channel").textContent = "# " + (channel ? channel.name : "");
    const body = $("thread-body");
    const nearBottom = body.scrollHeight - body.scrollTop - body.clientHeight < 120;
    body.textContent = "";
    body.appendChild(messageNode(parent, { inThread: true }));
    const count = parent.replies.length;
    const sep = el("div", "thread-sep");
    sep.appendChild(el("span", "", count + (count === 1 ? " reply" : " replies")));
    body.appendChild(sep);
    let prev = null;
    for (const reply of parent.replies) {
      // Consecutive replies by one author within minutes read as one block, as in Slack.
      const compact = prev && prev.user === reply.user && Number(reply.ts) - Number(prev.ts) < 300;
      body.appendChild(messageNode(Object.assign({ channel: parent.channel }, reply), { inThread: true, compact }));
      prev = reply;
    }
    for (const e of state.ephemerals.filter((x) => x.thread_ts === parent.ts)) body.appendChild(messageNode(e, { ephemeral: true, inThread: true }));
    if (nearBottom) body.scrollTop = body.scrollHeight;
  }

  /* ---- App Home --------------------------------------------------------------------------------------------------- */

  async function loadHome() {
    try {
      const answer = await api("GET", "/sandbox/home?user=" + encodeURIComponent(state.me));
      state.home = answer.view;
    } catch (err) {
      toast(err.message, true);
    }
    renderHome();
  }

  function renderHome() {
    const root = $("home");
    root.textContent = "";
    const view = state.home;
    if (!view) {
      root.appendChild(el("div", "home-empty", "tfsync has not published a Home tab yet."));
      return;
    }
    const ctx = blockCtx({
      onAction: (element, block, value) => act({ view_id: view.id, action_id: element.action_id, block_id: block.block_id, value }),
    });
    const card = el("div", "home-card");
    card.appendChild(BK.renderBlocks(view.blocks, ctx));
    root.appendChild(card);
  }

  /* ---- navigation ------------------------------------------------------------------------------------------------- */

  function renderSidebar() {
    const list = $("channel-list");
    list.textContent = "";
    for (const channel of Object.values(state.channels)) {
      const item = el("button", "nav-item");
      item.type = "button";
      item.dataset.testid = "channel-" + channel.name;
      item.appendChild(el("span", "nav-hash", "#"));
      item.appendChild(el("span", "nav-label", channel.name));
      const count = state.messages.filter((m) => m.channel === channel.id).length;
      if (state.view.kind === "channel" && state.view.id === channel.id) {
        item.classList.add("active");
        state.seen[channel.id] = count;
      }
      const unread = count - (state.seen[channel.id] || 0);
      if (!item.classList.contains("active") && unread > 0) {
        item.classList.add("unread");
        item.appendChild(el("span", "badge", String(unread)));
      }
      item.addEventListener("click", () => showChannel(channel.id));
      list.appendChild(item);
    }
    const apps = $("app-list");
    apps.textContent = "";
    const home = el("button", "nav-item");
    home.type = "button";
    home.dataset.testid = "app-home";
    const icon = el("img", "nav-app-icon");
    icon.src = "/static/tfsync.svg";
    icon.alt = "";
    home.appendChild(icon);
    home.appendChild(el("span", "nav-label", "tfsync"));
    if (state.view.kind === "home") home.classList.add("active");
    home.addEventListener("click", showHome);
    apps.appendChild(home);
    const dms = $("dm-list");
    dms.textContent = "";
    for (const user of Object.values(state.users).filter((u) => !u.is_bot)) {
      const item = el("div", "nav-item nav-static");
      item.appendChild(avatar(user.id, "xs"));
      item.appendChild(el("span", "nav-label", (user.real_name || user.name) + (user.id === state.me ? " (you)" : "")));
      dms.appendChild(item);
    }
  }

  function renderHeader() {
    const tabs = $("tabs");
    tabs.textContent = "";
    if (state.view.kind === "home") {
      $("channel-title").textContent = "tfsync";
      $("channel-topic").textContent = "Keeps AWS and Terraform in sync";
      for (const [name, active] of [["Home", true], ["Messages", false], ["About", false]]) {
        tabs.appendChild(el("span", "tab" + (active ? " active" : ""), name));
      }
      return;
    }
    const channel = state.channels[state.view.id];
    $("channel-title").textContent = "# " + (channel ? channel.name : "");
    $("channel-topic").textContent = channel ? (channel.topic || channel.purpose || "") : "";
    tabs.appendChild(el("span", "tab active", "Messages"));
    tabs.appendChild(el("span", "tab", "Files"));
    tabs.appendChild(el("span", "tab", "Pins"));
  }

  function showChannel(id) {
    state.view = { kind: "channel", id };
    $("messages").hidden = false;
    $("home").hidden = true;
    $("composer").hidden = false;
    $("composer-input").placeholder = "Message #" + (state.channels[id] ? state.channels[id].name : "");
    renderHeader();
    renderSidebar();
    renderMessages();
    const list = $("messages");
    list.scrollTop = list.scrollHeight;
  }

  function showHome() {
    state.view = { kind: "home" };
    state.thread = null;
    renderThread();
    $("messages").hidden = true;
    $("home").hidden = false;
    $("composer").hidden = true;
    renderHeader();
    renderSidebar();
    loadHome();
  }

  /* ---- composer ------------------------------------------------------------------------------------------------- */

  const COMMANDS = [
    ["/tfsync help", "What tfsync can do"],
    ["/tfsync list", "Open resources (or: list adopted, list ignored, ...)"],
    ["/tfsync show ", "One resource, by import ID, ARN or short id"],
    ["/tfsync adopt ", "Adopt a resource into Terraform"],
    ["/tfsync delete ", "Delete a resource"],
    ["/tfsync ignore ", "Ignore a resource"],
    ["/tfsync rules", "Ignore rules in force"],
    ["/tfsync stats", "Counts by status, type and person"],
  ];

  function renderSuggestions() {
    const input = $("composer-input");
    const box = $("suggestions");
    const value = input.value;
    if (!value.startsWith("/") || value.includes("  ")) { box.hidden = true; return; }
    const matches = COMMANDS.filter(([cmd]) => cmd.startsWith(value) || value.startsWith(cmd.trim()) && cmd.trim() !== value.trim()).slice(0, 8);
    if (!matches.length || matches.some(([cmd]) => cmd.trim() === value.trim())) { box.hidden = true; return; }
    box.textContent = "";
    box.appendChild(el("div", "suggestions-head", "Commands matching \u201C" + value + "\u201D"));
    for (const [cmd, help] of matches) {
      const item = el("button", "suggestion");
      item.type = "button";
      const icon = el("img", "suggestion-icon");
      icon.src = "/static/tfsync.svg";
      icon.alt = "";
      item.appendChild(icon);
      item.appendChild(el("span", "suggestion-cmd", cmd.trim()));
      item.appendChild(el("span", "suggestion-help", help));
      item.addEventListener("click", () => { input.value = cmd; box.hidden = true; input.focus(); });
      box.appendChild(item);
    }
    box.hidden = false;
  }

  async function sendComposer(ev) {
    ev.preventDefault();
    const input = $("composer-input");
    const text = input.value.trim();
    if (!text) return;
    $("suggestions").hidden = true;
    if (!text.startsWith("/")) {
      state.localNotes.push({
        channel: state.view.id, user: state.workspace.bot_user, ts: String(Date.now() / 1000),
        text: "In the sandbox the message box runs slash commands: try `/tfsync help`.", blocks: [],
      });
      input.value = "";
      renderMessages();
      return;
    }
    input.value = "";
    try {
      const answer = await api("POST", "/sandbox/command", { user: state.me, channel: state.view.id, text });
      if (answer.problem) toast(answer.problem, true);
      if (answer.view) openModal(answer.view);
      await refreshEphemerals();
    } catch (err) {
      toast(err.message, true);
    }
  }

  /* ---- ClickOps panel ----------------------------------------------------------------------------------------------- */

  function tagRow(key, value) {
    const row = el("div", "tag-row");
    const k = el("input", "tag-key");
    k.placeholder = "Key";
    k.value = key || "";
    const v = el("input", "tag-value");
    v.placeholder = "Value";
    v.value = value || "";
    const x = el("button", "icon-btn tag-remove", "\u2715");
    x.type = "button";
    x.setAttribute("aria-label", "Remove tag");
    x.addEventListener("click", () => row.remove());
    row.appendChild(k);
    row.appendChild(v);
    row.appendChild(x);
    $("co-tags").appendChild(row);
  }

  function clickopsBody(origin) {
    const tags = {};
    $("co-tags").querySelectorAll(".tag-row").forEach((row) => {
      const key = row.querySelector(".tag-key").value.trim();
      if (key) tags[key] = row.querySelector(".tag-value").value;
    });
    return { tf_type: $("co-type").value, name: $("co-name").value.trim(), tags, actor: $("co-actor").value, as: origin,
      account: $("co-account").value };
  }

  function status(text, kind) {
    const node = $("co-status");
    node.textContent = text;
    node.dataset.kind = kind || "";
  }

  function logEntry(item) {
    state.log.unshift(item);
    state.log = state.log.slice(0, 40);
    renderLog();
  }

  function renderLog() {
    const list = $("co-log");
    list.textContent = "";
    if (!state.log.length) { list.appendChild(el("li", "empty", "Nothing created yet.")); return; }
    for (const item of state.log) {
      const li = el("li", "co-item");
      const head = el("div", "co-item-head");
      head.appendChild(el("span", "co-badge co-" + item.as, item.as === "terraform" ? "Terraform" : "Console"));
      head.appendChild(el("span", "co-type", item.tf_type));
      li.appendChild(head);
      li.appendChild(el("div", "co-id", item.import_id));
      li.appendChild(el("div", "co-meta", "by " + item.actor + " \u00B7 event " + String(item.event_id).slice(0, 8)));
      list.appendChild(li);
    }
  }

  async function create(origin, burst, missed) {
    const body = clickopsBody(origin);
    if (missed) body.missed = true;
    const buttons = document.querySelectorAll(".console-actions button");
    buttons.forEach((b) => { b.disabled = true; });
    status(burst ? "Creating 20 resources\u2026" : "Creating\u2026", "busy");
    try {
      const answer = await api("POST", burst ? "/sandbox/clickops/burst" : "/sandbox/clickops", body);
      if (burst) status("Created " + answer.created.length + " resources; 20 events sent.", "ok");
      else if (missed) status("Created: " + answer.import_id + ". Its event was lost on the way: `/tfsync scan` " +
        "(as an admin) finds it.", "ok");
      else status((origin === "terraform" ? "Created by Terraform: " : "Created: ") + answer.import_id +
        (origin === "terraform" ? " (tfsync ignores Terraform's own calls)" : ""), "ok");
      $("co-name").value = "";
    } catch (err) {
      status(err.message, "error");
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  async function refreshGit() {
    try {
      const answer = await api("GET", "/sandbox/git/log");
      const list = $("git-log");
      list.textContent = "";
      for (const commit of answer.commits.slice(0, 12)) {
        const li = el("li", "git-item");
        li.dataset.testid = "commit";
        const head = el("div", "git-head");
        head.appendChild(el("code", "git-sha", commit.sha.slice(0, 7)));
        head.appendChild(el("span", "git-msg", commit.message));
        li.appendChild(head);
        if (commit.branches.length) {
          const refs = el("div", "git-refs");
          for (const b of commit.branches) refs.appendChild(el("span", "git-branch", b));
          li.appendChild(refs);
        }
        const files = el("div", "git-files");
        for (const f of commit.files) {
          const b = el("button", "git-file", f);
          b.type = "button";
          b.addEventListener("click", () => showFile(commit.sha, f));
          files.appendChild(b);
        }
        li.appendChild(files);
        list.appendChild(li);
      }
    } catch (err) { /* the repository is not ready yet */ }
  }

  async function showFile(sha, file) {
    try {
      const answer = await api("GET", "/sandbox/git/show?sha=" + encodeURIComponent(sha) + "&file=" + encodeURIComponent(file));
      const overlay = el("div", "overlay overlay-file");
      const box = el("div", "modal modal-wide");
      const head = el("div", "modal-head");
      head.appendChild(el("h2", "modal-title", file));
      head.appendChild(el("code", "git-sha", sha.slice(0, 7)));
      const x = el("button", "icon-btn modal-x", "\u2715");
      x.type = "button";
      x.addEventListener("click", () => overlay.remove());
      head.appendChild(x);
      box.appendChild(head);
      const body = el("div", "modal-body");
      body.appendChild(el("pre", "code-block file-content", answer.content));
      box.appendChild(body);
      overlay.appendChild(box);
      overlay.addEventListener("mousedown", (ev) => { if (ev.target === overlay) overlay.remove(); });
      $("modal-root").appendChild(overlay);
    } catch (err) { toast(err.message, true); }
  }

  /* ---- toasts ------------------------------------------------------------------------------------------------------- */

  function toast(text, error) {
    const node = el("div", "toast" + (error ? " toast-error" : ""), text);
    document.body.appendChild(node);
    setTimeout(() => node.remove(), 5000);
  }

  /* ---- live updates ------------------------------------------------------------------------------------------------ */

  async function refreshMessages() {
    const answer = await api("GET", "/sandbox/messages");
    state.messages = answer.messages;
    if (state.view.kind === "channel") renderMessages();
    renderThread();
    renderSidebar();
  }

  async function refreshEphemerals() {
    const answer = await api("GET", "/sandbox/ephemerals?user=" + encodeURIComponent(state.me));
    state.ephemerals = answer.ephemerals;
    if (state.view.kind === "channel") renderMessages();
    renderThread();
  }

  const pending = new Set();
  let timer = null;
  function schedule(what) {
    pending.add(what);
    if (timer) return;
    timer = setTimeout(async () => {
      timer = null;
      const jobs = Array.from(pending);
      pending.clear();
      try {
        if (jobs.includes("messages")) await refreshMessages();
        if (jobs.includes("ephemerals")) await refreshEphemerals();
        if (jobs.includes("modal")) await refreshModal();
        if (jobs.includes("home") && state.view.kind === "home") {
          const answer = await api("GET", "/sandbox/views/" + encodeURIComponent(state.home ? state.home.id : ""));
          state.home = answer.view;
          renderHome();
        }
        if (jobs.includes("git")) await refreshGit();
      } catch (err) { /* the next event retries */ }
    }, 60);
  }

  function connect() {
    const source = new EventSource("/sandbox/events");
    const conn = $("connection");
    source.onopen = () => {
      conn.dataset.state = "live";
      conn.querySelector(".connection-text").textContent = "Live: updates as they happen";
      schedule("messages"); schedule("ephemerals"); schedule("git");
    };
    source.onerror = () => {
      conn.dataset.state = "down";
      conn.querySelector(".connection-text").textContent = "Reconnecting\u2026";
    };
    source.onmessage = (ev) => {
      let event;
      try { event = JSON.parse(ev.data); } catch (e) { return; }
      const kind = event.kind;
      if (kind === "message" || kind === "message_changed" || kind === "message_deleted") {
        schedule("messages");
        schedule("git");
      } else if (kind === "ephemeral") {
        if (event.user === state.me) schedule("ephemerals");
      } else if (kind === "view_opened") {
        if (event.user === state.me && (!state.modal || state.modal.id !== event.view_id)) {
          api("GET", "/sandbox/views/" + encodeURIComponent(event.view_id)).then((a) => {
            if (a.view && a.view.type === "modal" && a.view.is_open) openModal(a.view);
          }).catch(() => {});
        }
      } else if (kind === "view_updated" || kind === "view_closed") {
        if (state.modal && state.modal.id === event.view_id) schedule("modal");
        if (state.home && state.home.id === event.view_id) schedule("home");
      } else if (kind === "home_published") {
        if (event.user === state.me) {
          if (state.home) state.home.id = event.view_id; else state.home = { id: event.view_id, blocks: [] };
          schedule("home");
        }
      } else if (kind === "clickops") {
        logEntry(event);
      }
    };
  }

  /* ---- start -------------------------------------------------------------------------------------------------------- */

  async function start() {
    const ws = await api("GET", "/sandbox/workspace");
    state.workspace = ws;
    for (const u of ws.users) state.users[u.id] = u;
    for (const c of ws.channels) state.channels[c.id] = c;
    state.me = ws.default_user;
    $("team-name").textContent = ws.team.name;
    $("search-label").textContent = "Search " + ws.team.name;
    $("repo-path").textContent = ws.repository;
    $("repo-path").title = ws.repository;
    const acting = $("acting-user");
    const actor = $("co-actor");
    for (const u of ws.users.filter((x) => !x.is_bot)) {
      const o = el("option", "", (u.real_name || u.name));
      o.value = u.id;
      acting.appendChild(o);
      if (u.email) {
        const a = el("option", "", u.email);
        a.value = u.email;
        actor.appendChild(a);
      }
    }
    const iam = el("option", "", "IAM user: ci-deployer");
    iam.value = "ci-deployer";
    actor.appendChild(iam);
    acting.value = state.me;
    const paintMe = () => { const a = $("acting-avatar"); a.replaceWith(Object.assign(avatar(state.me, "sm"), { id: "acting-avatar" })); };
    paintMe();
    acting.addEventListener("change", () => {
      state.me = acting.value;
      paintMe();
      state.modal = null;
      renderModal();
      refreshEphemerals();
      if (state.view.kind === "home") loadHome(); else renderMessages();
      renderSidebar();
    });
    const types = await api("GET", "/sandbox/types");
    state.types = types.types;
    const bySvc = {};
    for (const t of state.types) (bySvc[t.service] = bySvc[t.service] || []).push(t);
    const select = $("co-type");
    for (const svc of Object.keys(bySvc).sort()) {
      const group = el("optgroup");
      group.label = svc.toUpperCase();
      for (const t of bySvc[svc]) {
        const o = el("option", "", t.label + "  \u00B7  " + t.tf_type);
        o.value = t.tf_type;
        group.appendChild(o);
      }
      select.appendChild(group);
    }
    select.value = "aws_s3_bucket";
    tagRow("team", "data");
    $("co-add-tag").addEventListener("click", () => tagRow("", ""));
    $("clickops").addEventListener("submit", (ev) => { ev.preventDefault(); create("console", false); });
    $("co-terraform").addEventListener("click", () => create("terraform", false));
    $("co-burst").addEventListener("click", () => create("console", true));
    $("co-missed").addEventListener("click", () => create("console", false, true));
    $("composer").addEventListener("submit", sendComposer);
    $("composer-input").addEventListener("input", renderSuggestions);
    $("thread-close").addEventListener("click", () => { state.thread = null; renderThread(); });
    document.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape" && state.modal && !document.querySelector(".overlay-confirm")) closeModal(state.modal);
    });
    showChannel(ws.default_channel);
    await Promise.all([refreshMessages(), refreshEphemerals(), refreshGit(), api("GET", "/sandbox/clickops").then((a) => {
      state.log = a.created.slice().reverse();
      renderLog();
    })]);
    connect();
    document.body.dataset.ready = "true";
  }

  start().catch((err) => toast("The sandbox did not answer: " + err.message, true));
})();
