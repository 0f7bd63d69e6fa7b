/* Block Kit and mrkdwn rendered into DOM nodes. Every piece of data becomes a text node or an attribute set
   through the DOM API: nothing from a payload is ever parsed as HTML. */
(function () {
  "use strict";

  const EMOJI = {
    large_orange_circle: "\u{1F7E0}", large_green_circle: "\u{1F7E2}", large_blue_circle: "\u{1F535}",
    large_yellow_circle: "\u{1F7E1}", red_circle: "\u{1F534}", white_circle: "\u26AA", black_circle: "\u26AB",
    hourglass_flowing_sand: "\u23F3", hourglass: "\u231B", white_check_mark: "\u2705", heavy_check_mark: "\u2714\uFE0F",
    x: "\u274C", wastebasket: "\u{1F5D1}\uFE0F", see_no_evil: "\u{1F648}", ghost: "\u{1F47B}", warning: "\u26A0\uFE0F",
    gear: "\u2699\uFE0F", no_entry: "\u26D4", no_entry_sign: "\u{1F6AB}", rotating_light: "\u{1F6A8}", tada: "\u{1F389}",
    rocket: "\u{1F680}", mag: "\u{1F50D}", lock: "\u{1F512}", unlock: "\u{1F513}", key: "\u{1F511}",
    information_source: "\u2139\uFE0F", bulb: "\u{1F4A1}", eyes: "\u{1F440}", wave: "\u{1F44B}", robot_face: "\u{1F916}",
    package: "\u{1F4E6}", memo: "\u{1F4DD}", link: "\u{1F517}", clock3: "\u{1F552}", alarm_clock: "\u23F0",
    stopwatch: "\u23F1\uFE0F", calendar: "\u{1F4C6}", pushpin: "\u{1F4CC}", label: "\u{1F3F7}\uFE0F",
    shield: "\u{1F6E1}\uFE0F", fire: "\u{1F525}", boom: "\u{1F4A5}", inbox_tray: "\u{1F4E5}", outbox_tray: "\u{1F4E4}",
    heavy_plus_sign: "\u2795", heavy_minus_sign: "\u2796", pencil2: "\u270F\uFE0F", speech_balloon: "\u{1F4AC}",
    thread: "\u{1F9F5}", question: "\u2753", exclamation: "\u2757", octagonal_sign: "\u{1F6D1}", recycle: "\u267B\uFE0F",
    broom: "\u{1F9F9}", floppy_disk: "\u{1F4BE}", cloud: "\u2601\uFE0F", satellite: "\u{1F4E1}", repeat: "\u{1F501}",
    arrows_counterclockwise: "\u{1F504}", construction: "\u{1F6A7}", hammer_and_wrench: "\u{1F6E0}\uFE0F",
    card_index_dividers: "\u{1F5C2}\uFE0F", scroll: "\u{1F4DC}", bar_chart: "\u{1F4CA}",
    chart_with_upwards_trend: "\u{1F4C8}", busts_in_silhouette: "\u{1F465}", bust_in_silhouette: "\u{1F464}",
    file_folder: "\u{1F4C1}", open_file_folder: "\u{1F4C2}", zzz: "\u{1F4A4}", sparkles: "\u2728", star: "\u2B50",
    thumbsup: "\u{1F44D}", "+1": "\u{1F44D}", thumbsdown: "\u{1F44E}", point_right: "\u{1F449}", bell: "\u{1F514}",
    hammer: "\u{1F528}", wrench: "\u{1F527}", computer: "\u{1F4BB}", globe_with_meridians: "\u{1F310}",
    card_file_box: "\u{1F5C3}\uFE0F", arrow_right: "\u27A1\uFE0F", heavy_exclamation_mark: "\u2757",
  };
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December"];
  const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  const SAFE_SCHEMES = /^(https?:|mailto:)/i;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function decodeEntities(text) {
    return String(text).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function emojiNode(name) {
    const glyph = EMOJI[name];
    if (!glyph) return document.createTextNode(":" + name + ":");
    const span = el("span", "emoji", glyph);
    span.title = ":" + name + ":";
    return span;
  }

  /* Plain text objects may carry :emoji: when emoji is true (Slack's default). */
  function plainNodes(text, emoji) {
    const frag = document.createDocumentFragment();
    const value = String(text || "");
    if (emoji === false) { frag.appendChild(document.createTextNode(value)); return frag; }
    let last = 0;
    value.replace(/:([a-z0-9_+-]+):/g, (match, name, offset) => {
      if (!EMOJI[name]) return match;
      frag.appendChild(document.createTextNode(value.slice(last, offset)));
      frag.appendChild(emojiNode(name));
      last = offset + match.length;
      return match;
    });
    frag.appendChild(document.createTextNode(value.slice(last)));
    return frag;
  }

  function ordinal(n) {
    const s = ["th", "st", "nd", "rd"], v = n % 100;
    return n + (s[(v - 20) % 10] || s[v] || s[0]);
  }

  function pad(n) { return String(n).padStart(2, "0"); }

  function formatTime(d, secs) {
    let h = d.getHours();
    const ampm = h >= 12 ? "PM" : "AM";
    h = h % 12 || 12;
    return h + ":" + pad(d.getMinutes()) + (secs ? ":" + pad(d.getSeconds()) : "") + " " + ampm;
  }

  function pretty(d, fallback) {
    const today = new Date();
    const y = new Date(today); y.setDate(today.getDate() - 1);
    const t = new Date(today); t.setDate(today.getDate() + 1);
    const same = (a, b) => a.toDateString() === b.toDateString();
    if (same(d, today)) return "today";
    if (same(d, y)) return "yesterday";
    if (same(d, t)) return "tomorrow";
    return fallback;
  }

  function ago(d) {
    const seconds = Math.round((Date.now() - d.getTime()) / 1000);
    const abs = Math.abs(seconds);
    const unit = abs < 60 ? [abs, "second"] : abs < 3600 ? [Math.round(abs / 60), "minute"]
      : abs < 86400 ? [Math.round(abs / 3600), "hour"] : [Math.round(abs / 86400), "day"];
    const words = unit[0] + " " + unit[1] + (unit[0] === 1 ? "" : "s");
    return seconds >= 0 ? words + " ago" : "in " + words;
  }

  function formatDate(epoch, format) {
    const d = new Date(epoch * 1000);
    const dateNum = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
    const date = MONTHS[d.getMonth()] + " " + ordinal(d.getDate()) + ", " + d.getFullYear();
    const dateShort = MONTHS[d.getMonth()].slice(0, 3) + " " + d.getDate() + ", " + d.getFullYear();
    const dateLong = DAYS[d.getDay()] + ", " + date;
    const tokens = {
      date_num: dateNum, date: date, date_short: dateShort, date_long: dateLong,
      date_pretty: pretty(d, date), date_short_pretty: pretty(d, dateShort), date_long_pretty: pretty(d, dateLong),
      time: formatTime(d, false), time_secs: formatTime(d, true), ago: ago(d),
    };
    return format.replace(/\{([a-z_]+)\}/g, (m, key) => (key in tokens ? tokens[key] : m));
  }

  function safeUrl(url) {
    const value = decodeEntities(url).trim();
    return SAFE_SCHEMES.test(value) ? value : null;
  }

  function link(url, label) {
    const href = safeUrl(url);
    if (!href) return document.createTextNode(label || decodeEntities(url));
    const a = el("a", "link", label || href);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  function angle(body, ctx) {
    const bar = body.indexOf("|");
    const head = bar >= 0 ? body.slice(0, bar) : body;
    const label = bar >= 0 ? decodeEntities(body.slice(bar + 1)) : "";
    if (head.startsWith("@U") || head.startsWith("@W") || head.startsWith("@B")) {
      const user = ctx.users && ctx.users[head.slice(1)];
      const span = el("span", "mention", "@" + (user ? (user.real_name || user.name) : (label || head.slice(1))));
      if (ctx.me && head.slice(1) === ctx.me) span.classList.add("mention-me");
      return span;
    }
    if (head.startsWith("#C") || head.startsWith("#G")) {
      const channel = ctx.channels && ctx.channels[head.slice(1)];
      return el("span", "mention channel-mention", "#" + (channel ? channel.name : (label || head.slice(1))));
    }
    if (head.startsWith("!date^")) {
      const parts = head.split("^");
      const epoch = Number(parts[1]);
      if (!Number.isFinite(epoch)) return document.createTextNode(label);
      const text = formatDate(epoch, parts[2] || "{date}");
      const span = parts[3] ? link(parts[3], text) : el("span", "date", text);
      span.title = new Date(epoch * 1000).toString();
      return span;
    }
    if (head.startsWith("!subteam^")) return el("span", "mention", label || "@group");
    if (head === "!here" || head === "!channel" || head === "!everyone") {
      return el("span", "mention mention-broadcast", "@" + head.slice(1));
    }
    if (head.startsWith("!")) return document.createTextNode(label);
    return link(head, label);
  }

  // One pass finds the leftmost token: `code`, <special>, *bold*, _italic_, ~strike~ or :emoji:.
  const TOKEN = new RegExp([
    "`([^`\\n]+)`",
    "<([^<>\\n]+)>",
    "(?<![\\w*])\\*(?!\\s)([^*\\n]+?)\\*(?![\\w*])",
    "(?<![\\w_])_(?!\\s)([^_\\n]+?)_(?![\\w_])",
    "(?<![\\w~])~(?!\\s)([^~\\n]+?)~(?![\\w~])",
    ":([a-z0-9_+-]+):",
  ].join("|"), "g");

  function inline(text, ctx, parent) {
    let last = 0;
    TOKEN.lastIndex = 0;
    const matches = [];
    let m;
    while ((m = TOKEN.exec(text)) !== null) matches.push(m);
    for (const match of matches) {
      if (match.index < last) continue;
      parent.appendChild(document.createTextNode(decodeEntities(text.slice(last, match.index))));
      if (match[1] !== undefined) parent.appendChild(el("code", "inline-code", decodeEntities(match[1])));
      else if (match[2] !== undefined) parent.appendChild(angle(match[2], ctx));
      else if (match[3] !== undefined) inline(match[3], ctx, parent.appendChild(el("b")));
      else if (match[4] !== undefined) inline(match[4], ctx, parent.appendChild(el("i")));
      else if (match[5] !== undefined) inline(match[5], ctx, parent.appendChild(el("s")));
      else if (match[6] !== undefined) parent.appendChild(emojiNode(match[6]));
      last = match.index + match[0].length;
    }
    parent.appendChild(document.createTextNode(decodeEntities(text.slice(last))));
  }

  function textLines(text, ctx, parent) {
    const lines = text.split("\n");
    let quote = null;
    lines.forEach((line, i) => {
      const quoted = /^(&gt;|>)\s?/.exec(line);
      if (quoted) {
        if (!quote) quote = parent.appendChild(el("blockquote", "quote"));
        else quote.appendChild(el("br"));
        inline(line.slice(quoted[0].length), ctx, quote);
        return;
      }
      quote = null;
      if (i > 0 && !(lines[i - 1] !== undefined && /^(&gt;|>)/.test(lines[i - 1]))) parent.appendChild(el("br"));
      inline(line, ctx, parent);
    });
  }

  function mrkdwn(text, ctx) {
    const root = el("div", "mrkdwn");
    const source = String(text || "");
    const parts = source.split("```");
    parts.forEach((part, i) => {
      if (i % 2 === 1 && i < parts.length - 1) {
        root.appendChild(el("pre", "code-block", decodeEntities(part.replace(/^\n/, "").replace(/\n$/, ""))));
      } else {
        const chunk = i % 2 === 1 ? "```" + part : part;
        const trimmed = chunk.replace(/^\n/, "").replace(/\n$/, "");
        if (trimmed || i === 0) {
          const span = el("span");
          textLines(trimmed, ctx || {}, span);
          root.appendChild(span);
        }
      }
    });
    return root;
  }

  function textObject(obj, ctx) {
    if (!obj) return el("span");
    if (obj.type === "mrkdwn") return mrkdwn(obj.text, ctx);
    const span = el("span", "plain");
    span.appendChild(plainNodes(obj.text, obj.emoji));
    return span;
  }

  function plainText(obj) { return obj && obj.text ? String(obj.text) : ""; }

  /* ---- rich_text ---------------------------------------------------------------------------------------------- */

  function richElements(elements, ctx, parent) {
    for (const item of elements || []) {
      let node;
      if (item.type === "text") {
        node = document.createTextNode(item.text || "");
        const style = item.style || {};
        if (style.code) { const c = el("code", "inline-code"); c.appendChild(node); node = c; }
        if (style.bold) { const b = el("b"); b.appendChild(node); node = b; }
        if (style.italic) { const i = el("i"); i.appendChild(node); node = i; }
        if (style.strike) { const s = el("s"); s.appendChild(node); node = s; }
      } else if (item.type === "link") node = link(item.url || "", item.text || "");
      else if (item.type === "user") node = angle("@" + item.user_id, ctx);
      else if (item.type === "channel") node = angle("#" + item.channel_id, ctx);
      else if (item.type === "emoji") node = emojiNode(item.name || "");
      else if (item.type === "date") node = angle("!date^" + item.timestamp + "^" + (item.format || "{date}"), ctx);
      else if (item.type === "broadcast") node = angle("!" + item.range, ctx);
      else node = document.createTextNode(item.text || "");
      parent.appendChild(node);
    }
  }

  function richText(block, ctx) {
    const root = el("div", "rich-text");
    for (const section of block.elements || []) {
      if (section.type === "rich_text_preformatted") {
        const pre = el("pre", "code-block");
        richElements(section.elements, ctx, pre);
        root.appendChild(pre);
      } else if (section.type === "rich_text_quote") {
        const q = el("blockquote", "quote");
        richElements(section.elements, ctx, q);
        root.appendChild(q);
      } else if (section.type === "rich_text_list") {
        const list = el(section.style === "ordered" ? "ol" : "ul", "rich-list");
        for (const item of section.elements || []) {
          const li = el("li");
          richElements(item.elements, ctx, li);
          list.appendChild(li);
        }
        root.appendChild(list);
      } else {
        const p = el("div", "rich-section");
        richElements(section.elements, ctx, p);
        root.appendChild(p);
      }
    }
    return root;
  }

  /* ---- interactive elements ----------------------------------------------------------------------------------- */

  function confirmThen(element, ctx, run) {
    if (!element.confirm || !ctx.confirm) { run(); return; }
    ctx.confirm(element.confirm).then((ok) => { if (ok) run(); });
  }

  function button(element, block, ctx) {
    const b = el("button", "bk-button");
    b.type = "button";
    if (element.style === "primary") b.classList.add("bk-primary");
    if (element.style === "danger") b.classList.add("bk-danger");
    b.appendChild(plainNodes(plainText(element.text), element.text && element.text.emoji));
    b.dataset.actionId = element.action_id || "";
    if (element.accessibility_label) b.setAttribute("aria-label", element.accessibility_label);
    b.addEventListener("click", () => {
      confirmThen(element, ctx, () => {
        if (element.url) {
          const href = safeUrl(element.url);
          if (href) window.open(href, "_blank", "noopener,noreferrer");
        }
        if (ctx.onAction) {
          b.classList.add("bk-busy");
          Promise.resolve(ctx.onAction(element, block, element.value)).finally(() => b.classList.remove("bk-busy"));
        }
      });
    });
    return b;
  }

  function optionsOf(element) {
    const out = [];
    for (const o of element.options || []) out.push(o);
    for (const g of element.option_groups || []) for (const o of g.options || []) out.push(o);
    return out;
  }

  /* A select with a search box, like Slack's: static options filtered locally, external ones asked for. */
  function searchSelect(element, block, ctx, onChange) {
    const wrap = el("div", "bk-select");
    const trigger = el("button", "bk-select-trigger");
    trigger.type = "button";
    trigger.dataset.actionId = element.action_id || "";
    const label = el("span", "bk-select-label");
    trigger.appendChild(label);
    trigger.appendChild(el("span", "bk-select-caret", "\u25BE"));
    wrap.appendChild(trigger);
    let selected = element.initial_option || null;
    const placeholder = plainText(element.placeholder) || "Select an item";
    const show = () => {
      label.textContent = "";
      if (selected) { label.appendChild(plainNodes(plainText(selected.text))); label.classList.remove("muted"); }
      else { label.textContent = placeholder; label.classList.add("muted"); }
    };
    show();
    const external = (element.type || "").startsWith("external");
    let menu = null;
    const close = () => { if (menu) { menu.remove(); menu = null; document.removeEventListener("mousedown", outside); } };
    const outside = (ev) => { if (!wrap.contains(ev.target)) close(); };
    const open = () => {
      if (menu) { close(); return; }
      menu = el("div", "bk-menu");
      const search = el("input", "bk-menu-search");
      search.type = "text";
      search.placeholder = external ? "Type to search" : "Search";
      search.setAttribute("aria-label", "Search options");
      const list = el("div", "bk-menu-list");
      menu.appendChild(search);
      menu.appendChild(list);
      wrap.appendChild(menu);
      document.addEventListener("mousedown", outside);
      let seq = 0;
      const fill = (options, groups) => {
        list.textContent = "";
        const add = (o) => {
          const item = el("div", "bk-menu-item");
          item.setAttribute("role", "option");
          item.dataset.value = o.value || "";
          const title = el("div", "bk-menu-text");
          title.appendChild(textObject(o.text, ctx));
          item.appendChild(title);
          if (o.description) item.appendChild(el("div", "bk-menu-desc", plainText(o.description)));
          if (selected && selected.value === o.value) item.classList.add("selected");
          item.addEventListener("mousedown", (ev) => ev.preventDefault());
          item.addEventListener("click", () => { selected = o; show(); close(); onChange(o); });
          list.appendChild(item);
        };
        for (const o of options || []) add(o);
        for (const g of groups || []) {
          list.appendChild(el("div", "bk-menu-group", plainText(g.label)));
          for (const o of g.options || []) add(o);
        }
        if (!list.childNodes.length) list.appendChild(el("div", "bk-menu-empty", "No results"));
      };
      const refresh = () => {
        const query = search.value.trim().toLowerCase();
        if (external) {
          const min = element.min_query_length === undefined ? 3 : element.min_query_length;
          if (query.length < min) { list.textContent = ""; list.appendChild(el("div", "bk-menu-empty", "Type at least " + min + " characters")); return; }
          const mine = ++seq;
          list.textContent = "";
          list.appendChild(el("div", "bk-menu-empty", "Searching\u2026"));
          Promise.resolve(ctx.loadOptions ? ctx.loadOptions(element, block, search.value) : { options: [] })
            .then((answer) => { if (mine === seq && menu) fill(answer.options, answer.option_groups); });
          return;
        }
        const match = (o) => plainText(o.text).toLowerCase().includes(query) || String(o.value || "").toLowerCase().includes(query);
        fill((element.options || []).filter(match),
          (element.option_groups || []).map((g) => ({ label: g.label, options: (g.options || []).filter(match) }))
            .filter((g) => g.options.length));
      };
      search.addEventListener("input", refresh);
      search.addEventListener("keydown", (ev) => {
        if (ev.key === "Escape") close();
        if (ev.key === "Enter") { ev.preventDefault(); const first = list.querySelector(".bk-menu-item"); if (first) first.click(); }
      });
      refresh();
      search.focus();
    };
    trigger.addEventListener("click", open);
    wrap.getValue = () => (selected ? selected.value : null);
    return wrap;
  }

  function radios(element, block, ctx, onChange) {
    const group = el("div", "bk-radios");
    group.setAttribute("role", "radiogroup");
    const name = "r-" + Math.random().toString(36).slice(2);
    let value = element.initial_option ? element.initial_option.value : null;
    for (const o of element.options || []) {
      const row = el("label", "bk-radio");
      const input = el("input");
      input.type = "radio";
      input.name = name;
      input.value = o.value || "";
      input.checked = value === o.value;
      input.addEventListener("change", () => { value = o.value; onChange(o); });
      const body = el("span", "bk-radio-body");
      body.appendChild(textObject(o.text, ctx));
      if (o.description) {
        const d = textObject(o.description, ctx);
        d.classList.add("bk-radio-desc");
        body.appendChild(d);
      }
      row.appendChild(input);
      row.appendChild(body);
      group.appendChild(row);
    }
    group.getValue = () => value;
    return group;
  }

  function checkboxes(element, block, ctx, onChange) {
    const group = el("div", "bk-radios");
    const chosen = new Set((element.initial_options || []).map((o) => o.value));
    for (const o of element.options || []) {
      const row = el("label", "bk-radio");
      const input = el("input");
      input.type = "checkbox";
      input.checked = chosen.has(o.value);
      input.addEventListener("change", () => { if (input.checked) chosen.add(o.value); else chosen.delete(o.value); onChange(o); });
      const body = el("span", "bk-radio-body");
      body.appendChild(textObject(o.text, ctx));
      row.appendChild(input);
      row.appendChild(body);
      group.appendChild(row);
    }
    group.getValue = () => Array.from(chosen);
    return group;
  }

  function textInput(element) {
    const multiline = element.multiline;
    const input = el(multiline ? "textarea" : "input", "bk-input");
    if (!multiline) input.type = element.type === "number_input" ? "number" : element.type === "email_text_input" ? "email" : "text";
    if (element.initial_value !== undefined) input.value = String(element.initial_value);
    if (element.max_length) input.maxLength = element.max_length;
    if (element.placeholder) input.placeholder = plainText(element.placeholder);
    input.dataset.actionId = element.action_id || "";
    input.getValue = () => (input.value === "" ? null : input.value);
    return input;
  }

  function overflow(element, block, ctx) {
    const wrap = el("div", "bk-overflow");
    const b = el("button", "bk-button bk-overflow-btn", "\u22EF");
    b.type = "button";
    wrap.appendChild(b);
    b.addEventListener("click", () => {
      if (wrap.querySelector(".bk-menu")) { wrap.querySelector(".bk-menu").remove(); return; }
      const menu = el("div", "bk-menu bk-menu-right");
      for (const o of element.options || []) {
        const item = el("div", "bk-menu-item");
        item.appendChild(plainNodes(plainText(o.text)));
        item.addEventListener("click", () => { menu.remove(); confirmThen(element, ctx, () => ctx.onAction && ctx.onAction(element, block, o.value)); });
        menu.appendChild(item);
      }
      wrap.appendChild(menu);
    });
    return wrap;
  }

  function imageEl(element, className) {
    const img = el("img", className);
    const src = safeUrl(element.image_url || "");
    img.alt = element.alt_text || "";
    img.loading = "lazy";
    img.addEventListener("error", () => {
      const box = el("div", className + " img-missing", element.alt_text || "image");
      img.replaceWith(box);
    });
    if (src) img.src = src; else setTimeout(() => img.dispatchEvent(new Event("error")));
    return img;
  }

  function interactive(element, block, ctx) {
    const type = element.type;
    if (type === "button") return button(element, block, ctx);
    if (type === "image") return imageEl(element, "bk-accessory-image");
    if (type === "overflow") return overflow(element, block, ctx);
    if (type === "static_select" || type === "external_select") {
      return searchSelect(element, block, ctx, (o) => ctx.onAction && ctx.onAction(element, block, o.value));
    }
    if (type === "radio_buttons") return radios(element, block, ctx, (o) => ctx.onAction && ctx.onAction(element, block, o.value));
    if (type === "checkboxes") return checkboxes(element, block, ctx, () => {});
    return el("span", "bk-unsupported", "[" + type + "]");
  }

  /* ---- blocks -------------------------------------------------------------------------------------------------- */

  function section(block, ctx) {
    const node = el("div", "bk-section");
    const body = el("div", "bk-section-body");
    if (block.text) body.appendChild(textObject(block.text, ctx));
    if (block.fields && block.fields.length) {
      const grid = el("div", "bk-fields");
      for (const f of block.fields) grid.appendChild(textObject(f, ctx));
      body.appendChild(grid);
    }
    node.appendChild(body);
    if (block.accessory) {
      const acc = el("div", "bk-accessory");
      acc.appendChild(interactive(block.accessory, block, ctx));
      node.appendChild(acc);
    }
    return node;
  }

  function context(block, ctx) {
    const node = el("div", "bk-context");
    for (const item of block.elements || []) {
      if (item.type === "image") node.appendChild(imageEl(item, "bk-context-image"));
      else node.appendChild(textObject(item, ctx));
    }
    return node;
  }

  function actions(block, ctx) {
    const node = el("div", "bk-actions");
    for (const element of block.elements || []) node.appendChild(interactive(element, block, ctx));
    return node;
  }

  function image(block) {
    const node = el("figure", "bk-image");
    if (block.title) node.appendChild(el("figcaption", "bk-image-title", plainText(block.title)));
    node.appendChild(imageEl(block, "bk-image-img"));
    return node;
  }

  function input(block, ctx) {
    const node = el("div", "bk-input-block");
    node.dataset.blockId = block.block_id || "";
    const label = el("label", "bk-label");
    label.appendChild(plainNodes(plainText(block.label)));
    if (block.optional) label.appendChild(el("span", "bk-optional", " (optional)"));
    node.appendChild(label);
    const element = block.element || {};
    const changed = () => node.classList.remove("has-error");
    let control;
    if (["plain_text_input", "email_text_input", "url_text_input", "number_input"].includes(element.type)) {
      control = textInput(element);
      control.addEventListener("input", changed);
      // dispatch_action: Slack sends the typed value as a block action when Enter is pressed (enter_pressed, its
      // default trigger), as the App Home's name filter expects.
      if (block.dispatch_action && ctx.onAction && control.tagName === "INPUT") {
        control.addEventListener("keydown", (ev) => {
          if (ev.key !== "Enter") return;
          ev.preventDefault();
          ctx.onAction(element, block, control.value);
        });
      }
    } else if (element.type === "static_select" || element.type === "external_select") {
      control = searchSelect(element, block, ctx, changed);
    } else if (element.type === "radio_buttons") control = radios(element, block, ctx, changed);
    else if (element.type === "checkboxes") control = checkboxes(element, block, ctx, changed);
    else control = el("span", "bk-unsupported", "[" + element.type + "]");
    control.classList.add("bk-control");
    node.appendChild(control);
    node.control = control;
    node.element = element;
    node.optional = !!block.optional;
    const error = ctx.errors && ctx.errors[block.block_id];
    const errorNode = el("div", "bk-error");
    errorNode.setAttribute("role", "alert");
    if (error) { errorNode.appendChild(el("span", "bk-error-icon", "\u26A0")); errorNode.appendChild(document.createTextNode(" " + error)); node.classList.add("has-error"); }
    node.appendChild(errorNode);
    node.setError = (message) => {
      errorNode.textContent = "";
      if (message) {
        errorNode.appendChild(el("span", "bk-error-icon", "\u26A0"));
        errorNode.appendChild(document.createTextNode(" " + message));
        node.classList.add("has-error");
      } else node.classList.remove("has-error");
    };
    if (block.hint) node.appendChild(el("div", "bk-hint", plainText(block.hint)));
    return node;
  }

  function header(block) {
    const node = el("div", "bk-header");
    node.appendChild(plainNodes(plainText(block.text)));
    return node;
  }

  function renderBlock(block, ctx) {
    switch (block.type) {
      case "section": return section(block, ctx);
      case "context": return context(block, ctx);
      case "divider": return el("hr", "bk-divider");
      case "header": return header(block);
      case "actions": return actions(block, ctx);
      case "image": return image(block);
      case "input": return input(block, ctx);
      case "rich_text": return richText(block, ctx);
      default: return el("div", "bk-unsupported", "[" + block.type + " block]");
    }
  }

  function renderBlocks(blocks, ctx) {
    const root = el("div", "blocks");
    for (const block of blocks || []) {
      const node = renderBlock(block, ctx);
      if (block.block_id) node.dataset.blockId = block.block_id;
      root.appendChild(node);
    }
    return root;
  }

  /* The values of every input block: {block_id: {action_id: value}}, and the required ones left empty. */
  function collect(root) {
    const values = {};
    const missing = [];
    root.querySelectorAll(".bk-input-block").forEach((node) => {
      const value = node.control && node.control.getValue ? node.control.getValue() : null;
      const empty = value === null || value === "" || (Array.isArray(value) && !value.length);
      if (empty && !node.optional) missing.push(node);
      if (!empty) values[node.dataset.blockId] = { [node.element.action_id]: value };
    });
    return { values, missing };
  }

  window.BlockKit = { el, mrkdwn, textObject, plainText, plainNodes, renderBlocks, collect, formatDate, EMOJI };
})();
