// The simulator page: tabs, taps, pickers, and what the server streams (no build step).
(function () {
  "use strict";
  const root = document.querySelector(".simulator");
  const version = Number(root.dataset.version);
  const picker = document.getElementById("picker");
  const pickerInput = document.getElementById("picker-input");
  let pending = null; // the picker action waiting for a value

  function section(chatId) { return document.getElementById("chat-" + chatId); }

  function show(chatId) {
    if (!section(chatId)) chatId = document.querySelector(".chat").dataset.chat;
    document.querySelectorAll(".chat").forEach(function (s) { s.hidden = s.dataset.chat !== chatId; });
    document.querySelectorAll(".tab").forEach(function (t) {
      const on = t.dataset.tab === chatId;
      t.classList.toggle("active", on);
      if (on) { const badge = t.querySelector(".badge"); badge.hidden = true; badge.textContent = ""; }
    });
    history.replaceState(null, "", "/simulator#" + chatId);
    scrollDown(chatId);
  }

  function active() { const s = document.querySelector(".chat:not([hidden])"); return s && s.dataset.chat; }

  function scrollDown(chatId) { const log = document.getElementById("log-" + chatId); if (log) log.scrollTop = log.scrollHeight; }

  function speaker(chatSection) {
    if (chatSection.dataset.person) return chatSection.dataset.person;
    return chatSection.querySelector("select[name=person]").value;
  }

  function post(url, fields) {
    return fetch(url, { method: "POST", body: new URLSearchParams(fields || {}) }).then(function (response) {
      if (!response.ok) console.warn("simulator:", url, response.status);
      return response;
    });
  }

  function toast(title, text) {
    const box = document.createElement("div");
    box.className = "toast";
    const head = document.createElement("strong");
    head.textContent = title;
    const body = document.createElement("span");
    body.textContent = text;
    box.append(head, body);
    const shelf = document.querySelector(".toasts");
    shelf.append(box);
    while (shelf.children.length > 3) shelf.firstElementChild.remove();
    setTimeout(function () { box.remove(); }, 6000);
  }

  function openPicker(button, chatSection) {
    const mode = button.dataset.mode || "datetime";
    pickerInput.type = { datetime: "datetime-local", date: "date", time: "time" }[mode] || "datetime-local";
    pickerInput.min = button.dataset.min || "";
    pickerInput.max = button.dataset.max || "";
    pickerInput.value = button.dataset.initial || "";
    picker.querySelector(".picker-title").textContent = picker.querySelector(".picker-title").dataset[mode] || "";
    pending = { action: button.dataset.action, person: speaker(chatSection) };
    picker.showModal();
    pickerInput.focus();
  }

  picker.addEventListener("close", function () {
    if (picker.returnValue === "ok" && pending && pickerInput.value) {
      post("/simulator/act", { person: pending.person, action: pending.action, picked: pickerInput.value });
    }
    pending = null;
  });

  document.addEventListener("click", function (event) {
    const tab = event.target.closest("[data-tab]");
    if (tab) { show(tab.dataset.tab); return; }
    const follow = event.target.closest("[data-follow], [data-unfollow]");
    if (follow) {
      const key = follow.dataset.follow || follow.dataset.unfollow;
      const on = Boolean(follow.dataset.follow);
      post("/simulator/people/" + key + (on ? "/follow" : "/unfollow")).then(function (response) {
        if (response.ok) follow.closest(".chat").classList.toggle("following", on);
      });
      return;
    }
    const area = event.target.closest("[data-menu-tap]");
    if (area) {
      post("/simulator/people/" + area.dataset.menuTap + "/menu", { menu: area.dataset.menu, area: area.dataset.area });
      return;
    }
    const link = event.target.closest("[data-uri]");
    if (link) { window.open(link.dataset.uri, "_blank", "noopener"); return; }
    const button = event.target.closest("[data-action]");
    if (!button || button.disabled) return;
    const chatSection = button.closest(".chat");
    if (button.dataset.kind === "datetimepicker") { openPicker(button, chatSection); return; }
    post("/simulator/act", { person: speaker(chatSection), action: button.dataset.action });
  });

  document.addEventListener("submit", function (event) {
    const form = event.target.closest(".composer");
    if (!form) return;
    event.preventDefault();
    const text = form.elements.text.value;
    if (!text.trim()) return;
    post("/simulator/say", { person: form.elements.person.value, chat: form.elements.chat.value, text: text });
    form.elements.text.value = "";
  });

  function received(payload) {
    if (payload.kind === "hello") { if (payload.version !== version) location.reload(); return; }
    if (payload.kind === "request") {
      const list = document.getElementById("requests");
      const none = list.querySelector(".none");
      if (none) none.remove();
      list.insertAdjacentHTML("afterbegin", payload.html);
      while (list.children.length > 200) list.lastElementChild.remove();
      return;
    }
    if (payload.kind === "menu") {
      const box = document.getElementById("menu-" + payload.person);
      if (box) box.innerHTML = payload.html;
      return;
    }
    if (payload.kind === "quick") {
      const bar = document.getElementById("quick-" + payload.chat);
      if (bar) bar.innerHTML = payload.html;
      scrollDown(payload.chat);
      return;
    }
    if (payload.kind === "entry") {
      // What the bot says may have issued or used up an invite code: the list is drawn again.
      if (payload.bot && window.htmx) htmx.trigger("#invites", "refresh");
      const log = document.getElementById("log-" + payload.chat);
      if (!log) return;
      log.insertAdjacentHTML("beforeend", payload.html);
      scrollDown(payload.chat);
      if (payload.chat !== active()) {
        const badge = document.querySelector('[data-tab="' + payload.chat + '"] .badge');
        if (badge) { badge.hidden = false; badge.textContent = String(Number(badge.textContent || 0) + 1); }
        if (payload.notify) toast(payload.notify.title, payload.notify.text);
      }
    }
  }

  const stream = new EventSource("/simulator/stream");
  stream.onmessage = function (message) { received(JSON.parse(message.data)); };
  stream.onopen = function () { root.classList.add("live"); };
  stream.onerror = function () { root.classList.remove("live"); };

  show(new URLSearchParams(location.search).get("chat") || location.hash.slice(1));
})();
