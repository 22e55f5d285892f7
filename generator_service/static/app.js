// Progressive enhancement of the generator form: live preview, inline errors, dependent fields,
// file viewer and copy buttons. Without this script the form still works through plain GET requests.
(() => {
  "use strict";
  const form = document.getElementById("options-form");
  if (!form) return;
  let timer = null;
  let currentQuery = new URLSearchParams(window.location.search);
  currentQuery.delete("file");

  function optionQuery() {
    const query = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      const field = form.querySelector(`[data-field="${name}"]`);
      if (value !== "" && field && !field.hidden) query.set(name, value);
    }
    return query;
  }

  function applyDependencies() {
    const data = new FormData(form);
    for (const field of form.querySelectorAll("[data-depends-on]")) {
      const rule = JSON.parse(field.dataset.dependsOn);
      field.hidden = !Object.entries(rule).every(([name, wanted]) => String(data.get(name)) === String(wanted));
    }
  }

  function showErrors(errors) {
    for (const field of form.querySelectorAll("[data-field]")) {
      const name = field.dataset.field;
      const message = errors[name] || "";
      field.classList.toggle("has-error", Boolean(message));
      field.querySelector(".error").textContent = message ? message.replace(`${name}: `, "") : "";
      const input = field.querySelector("input[type=text], input[type=number], select");
      if (input) input.toggleAttribute("aria-invalid", Boolean(message));
    }
  }

  function renderTree(files, query) {
    const tree = document.getElementById("file-tree");
    tree.replaceChildren();
    const seen = new Set();
    for (const file of files) {
      const parts = file.path.split("/");
      parts.slice(0, -1).forEach((folder, depth) => {
        const key = parts.slice(0, depth + 1).join("/");
        if (seen.has(key)) return;
        seen.add(key);
        const item = document.createElement("li");
        item.style.setProperty("--depth", depth);
        const span = document.createElement("span");
        span.className = "folder";
        span.textContent = `${folder}/`;
        item.append(span);
        tree.append(item);
      });
      const item = document.createElement("li");
      item.style.setProperty("--depth", parts.length - 1);
      const link = document.createElement("a");
      const pageQuery = new URLSearchParams(query);  // the share link's options, plus the file
      pageQuery.set("file", file.path);
      link.href = `/?${pageQuery}#file-view`;
      link.dataset.path = file.path;
      link.textContent = parts[parts.length - 1];
      item.append(link);
      tree.append(item);
    }
  }

  // Answers can arrive out of order: only the latest refresh may update the page, or an older
  // preview (say, before the subnets were typed) would replace the newer one.
  let latestRefresh = 0;

  async function refresh() {
    applyDependencies();
    const query = optionQuery();
    const ticket = ++latestRefresh;
    const response = await fetch(`/api/preview?${query}`);
    if (ticket !== latestRefresh) return;
    if (response.status === 422) {
      const body = await response.json();
      if (ticket !== latestRefresh) return;
      showErrors(Object.fromEntries(body.errors.map((error) => [error.field, error.message])));
      return;
    }
    if (!response.ok) return;
    const preview = await response.json();
    if (ticket !== latestRefresh) return;
    showErrors({});
    currentQuery = query;
    const shown = preview.query;
    history.replaceState(null, "", shown ? `/?${shown}` : "/");
    document.getElementById("share-link").href = shown ? `/?${shown}` : "/";
    for (const link of document.querySelectorAll(".actions a[download]")) {
      const format = new URL(link.href).searchParams.get("format");  // one link per archive format
      link.href = `/api/generate?format=${format}${shown ? "&" + shown : ""}`;
    }
    document.getElementById("command-cookiecutter").textContent = preview.commands.cookiecutter;
    document.getElementById("command-cruft").textContent = preview.commands.cruft;
    document.getElementById("command-curl").textContent = preview.commands.curl;
    document.getElementById("project-name").textContent = `${preview.project_slug}/`;
    for (const [name, value] of Object.entries(preview.options)) {
      const input = form.querySelector(`input[type=text][name="${name}"][placeholder]`);
      if (input && input.value === "" && !name.endsWith("_ids")) input.placeholder = value;
    }
    renderTree(preview.files, preview.query);
    const diagram = await fetch(`/api/diagram.svg?${query}`);
    const svg = diagram.ok ? await diagram.text() : null;
    if (svg !== null && ticket === latestRefresh) document.getElementById("diagram").innerHTML = svg;
  }

  async function showFile(path) {
    const query = new URLSearchParams(currentQuery);
    query.set("path", path);
    const response = await fetch(`/api/preview/file?${query}`);
    const view = document.getElementById("file-view");
    document.getElementById("file-view-name").textContent = path;
    document.getElementById("file-view-content").textContent = await response.text();
    view.hidden = false;
    for (const link of document.querySelectorAll("#file-tree a")) {
      link.toggleAttribute("aria-current", link.dataset.path === path);
    }
  }

  form.addEventListener("input", () => {
    applyDependencies();
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  form.addEventListener("change", () => {
    applyDependencies();
    clearTimeout(timer);
    timer = setTimeout(refresh, 50);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    refresh();
  });
  document.getElementById("file-tree").addEventListener("click", (event) => {
    const link = event.target.closest("a[data-path]");
    if (!link) return;
    event.preventDefault();
    showFile(link.dataset.path);
  });
  for (const button of document.querySelectorAll("button.copy")) {
    button.hidden = !navigator.clipboard;
    button.addEventListener("click", async () => {
      await navigator.clipboard.writeText(document.getElementById(button.dataset.copy).textContent);
      button.textContent = "Copied";
      setTimeout(() => { button.textContent = "Copy"; }, 1500);
    });
  }
  applyDependencies();
})();
