/* The editor: the form and the YAML tab show one letter; every edit is sent to the server,
   which writes the YAML, validates it (the messages of gongwen validate) and lays the letter
   out for the preview. At most one request is in flight; edits made meanwhile are sent as
   one when it returns. */
"use strict";

const initial = JSON.parse(document.getElementById("initial").textContent);
const state = {
  data: initial.data,        // the letter's plain data, as the form edits it
  yaml: initial.yaml,        // the letter's YAML, as the YAML tab shows it and save writes
  file: initial.file,        // path in the served folder, or null for a new letter
  name: initial.name,
  base: initial.base,        // hash of the file as opened, for the save's conflict check
  view: (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2)),
  saved: Boolean(initial.file),
  problems: [],
};

const DEBOUNCE_MS = 120;
const form = document.getElementById("letter-form");
const yamlArea = document.getElementById("yaml");
yamlArea.value = state.yaml;

// ------------------------------------------------------------------------------------------
// Data paths

function getAt(root, path) {
  let node = root;
  for (const key of path) {
    if (node == null) return undefined;
    node = node[key];
  }
  return node;
}

function setAt(path, value) {
  if (state.data == null || typeof state.data !== "object") state.data = {};
  let node = state.data;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    if (node[key] == null || typeof node[key] !== "object") {
      node[key] = typeof path[i + 1] === "number" ? [] : {};
    }
    node = node[key];
  }
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(node)) node[last] = "";
    else delete node[last];
    prune(path.slice(0, -1));
  } else {
    node[last] = value;
  }
}

/** Remove mappings left empty by clearing their last field (not list items). */
function prune(path) {
  while (path.length && typeof path[path.length - 1] === "string") {
    const value = getAt(state.data, path);
    if (value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0) {
      delete getAt(state.data, path.slice(0, -1))[path[path.length - 1]];
      path = path.slice(0, -1);
    } else {
      break;
    }
  }
}

/** A form control's value as letter data (undefined: the field is left out). */
function valueOf(input) {
  const kind = input.dataset.kind;
  if (kind === "bool") {
    const dflt = input.dataset.default === "true";
    return input.checked === dflt ? undefined : input.checked;
  }
  if (kind === "lines") {
    const items = input.value.split("\n").map((s) => s.trim()).filter(Boolean);
    return items.length ? items : undefined;
  }
  if (kind === "mapping") {
    const out = {};
    for (const line of input.value.split("\n")) {
      const m = /^\s*([^:：]+?)\s*[:：]\s*(.*)$/.exec(line);
      if (m) out[m[1]] = m[2];
    }
    return Object.keys(out).length ? out : undefined;
  }
  const text = input.value;
  if (text.trim() === "" && !input.hasAttribute("data-keep")) {
    // a list item stays (as an empty text); an optional field is left out
    return Array.isArray(getAt(state.data, JSON.parse(input.dataset.path).slice(0, -1))) ? "" : undefined;
  }
  return text;
}

// ------------------------------------------------------------------------------------------
// Talking to the server

let pending = null;   // what the next request carries: {source, form}
let inflight = null;  // the promise of the request in flight
let timer = null;

function schedule(source, { form: wantForm = false, now = false, edit = true } = {}) {
  pending = { source, form: Boolean(wantForm || (pending && pending.form && pending.source === source)) };
  clearTimeout(timer);
  timer = setTimeout(flush, now ? 0 : DEBOUNCE_MS);
  if (edit) setSaved(false);
}

async function flush() {
  if (inflight || !pending) return;
  const job = pending;
  pending = null;
  const body = { view: state.view, file: state.file, name: state.name, form: job.form, yaml: state.yaml,
                 pages: [...pagesBox.children].map((box) => box.dataset.hash || "") };
  if (job.source === "data") body.data = state.data;
  const sent = performance.now();
  document.body.classList.add("busy");
  inflight = post("/api/sync", body);
  const result = await inflight;
  inflight = null;
  document.body.classList.remove("busy");
  apply(job, result, performance.now() - sent);
  if (pending) flush();
  else settleWaiters();
}

let waiters = [];
function settleWaiters() {
  const w = waiters;
  waiters = [];
  w.forEach((resolve) => resolve());
}

/** Resolves once every edit has been sent and answered. */
function settled() {
  if (!inflight && !pending) return Promise.resolve();
  clearTimeout(timer);
  if (!inflight) flush();
  return new Promise((resolve) => waiters.push(resolve));
}

function apply(job, result, ms) {
  if (!result.ok) {
    banner(result.data.error);
    return;
  }
  const answer = result.data;
  if (job.source === "data") {
    state.yaml = answer.yaml;
    if (document.activeElement !== yamlArea) yamlArea.value = answer.yaml;
  } else if (answer.data != null && !pending) {
    state.data = answer.data;
  }
  if (answer.form != null && !(pending && pending.source === "data")) {
    replaceForm(answer.form);
  }
  state.problems = answer.problems || [];
  showProblems(state.problems, answer.warnings || []);
  if (answer.preview) {
    showPreview(answer.preview, ms);
  } else {
    const status = document.getElementById("preview-status");
    status.textContent = state.problems.length ? "有错误：预览停在上一个正确的版本" : "";
    status.classList.toggle("stale", state.problems.length > 0);
    document.getElementById("pages").classList.toggle("stale", state.problems.length > 0);
  }
}

// ------------------------------------------------------------------------------------------
// The form

function replaceForm(html) {
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.path : null;
  form.innerHTML = html;
  if (focused) {
    const again = form.querySelector(`[data-path='${CSS.escape(focused)}']`);
    if (again) again.focus();
  }
}

form.addEventListener("input", (event) => {
  const input = event.target;
  if (input.classList.contains("picker")) {
    const target = form.querySelector(`[data-path='${CSS.escape(input.dataset.for)}']`);
    if (target && input.value) {
      target.value = input.value;
      setAt(JSON.parse(target.dataset.path), input.value);
      schedule("data");
    }
    return;
  }
  if (!input.dataset.path || input.dataset.op) return;
  setAt(JSON.parse(input.dataset.path), valueOf(input));
  schedule("data", { form: input.hasAttribute("data-rerender") });
});

form.addEventListener("change", (event) => {
  const input = event.target;
  if (input.dataset.op === "indent") {
    structural("indent", JSON.parse(input.dataset.path), input.checked);
  } else if (input.tagName === "SELECT" || input.type === "checkbox") {
    setAt(JSON.parse(input.dataset.path), valueOf(input));
    schedule("data", { form: input.hasAttribute("data-rerender"), now: true });
  }
});

form.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-op]");
  if (!button) return;
  event.preventDefault();
  const path = JSON.parse(button.dataset.path);
  structural(button.dataset.op, path, button.dataset.new ? JSON.parse(button.dataset.new) : null);
});

/** Add, move, delete, nest and unnest items of the body tree and of lists. */
function structural(op, path, extra) {
  const parentPath = path.slice(0, -1);
  const index = path[path.length - 1];
  let focusPath = null;
  if (op === "add") {
    let list = getAt(state.data, path);
    if (!Array.isArray(list)) {
      setAt(path, []);
      list = getAt(state.data, path);
    }
    list.push(extra);
    focusPath = [...path, list.length - 1];
  } else if (op === "indent") {
    const item = getAt(state.data, path);
    const text = typeof item === "string" ? item : (item && item.text) || "";
    setAt(path, extra ? text : { text, indent: false });
    focusPath = path;
  } else {
    const list = getAt(state.data, parentPath);
    if (!Array.isArray(list)) return;
    if (op === "remove") {
      list.splice(index, 1);
    } else if (op === "up" && index > 0) {
      [list[index - 1], list[index]] = [list[index], list[index - 1]];
      focusPath = [...parentPath, index - 1];
    } else if (op === "down" && index < list.length - 1) {
      [list[index + 1], list[index]] = [list[index], list[index + 1]];
      focusPath = [...parentPath, index + 1];
    } else if (op === "in") {  // into the previous sibling section, at its end
      const previous = list[index - 1];
      if (!previous || typeof previous !== "object" || !("heading" in previous)) {
        banner("上一项不是小节，无法移入");
        return;
      }
      previous.body = previous.body || [];
      previous.body.push(list.splice(index, 1)[0]);
      focusPath = [...parentPath, index - 1, "body", previous.body.length - 1];
    } else if (op === "out") {  // out of its section, after it
      if (parentPath.length < 3 || parentPath[parentPath.length - 1] !== "body") {
        banner("已在最上一级");
        return;
      }
      const sectionPath = parentPath.slice(0, -1);
      const outer = getAt(state.data, sectionPath.slice(0, -1));
      const item = list.splice(index, 1)[0];
      const at = sectionPath[sectionPath.length - 1] + 1;
      outer.splice(at, 0, item);
      focusPath = [...sectionPath.slice(0, -1), at];
    }
  }
  pendingFocus = focusPath;
  schedule("data", { form: true, now: true });
}

let pendingFocus = null;
const formObserver = new MutationObserver(() => {
  if (!pendingFocus) return;
  const key = JSON.stringify(pendingFocus);
  pendingFocus = null;
  const box = form.querySelector(`[data-field="${CSS.escape(dotted(JSON.parse(key)))}"]`);
  const input = box && box.querySelector("input[data-path], textarea[data-path]");
  if (input) {
    input.focus();
    box.scrollIntoView({ block: "nearest" });
  }
});
formObserver.observe(form, { childList: true });

function dotted(path) {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : (out ? "." : "") + part;
  return out;
}

// ------------------------------------------------------------------------------------------
// Problems at their fields

function fieldBox(field) {
  let name = field;
  while (name) {
    const box = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (box) return [box, field.slice(name.length)];
    const m = /(\.[^.[\]]+|\[\d+\])$/.exec(name);
    if (!m) break;
    name = name.slice(0, -m[0].length);
  }
  return [null, field];
}

function where(rest) {
  return rest.replace(/^\./, "").replace(/\[(\d+)\]/g, (_, n) => `第${Number(n) + 1}项`);
}

function showProblems(problems, warnings) {
  for (const old of form.querySelectorAll(".msg")) old.textContent = "";
  for (const old of form.querySelectorAll(".has-error, .has-warning")) {
    old.classList.remove("has-error", "has-warning");
  }
  const list = document.getElementById("problems");
  list.textContent = "";
  for (const p of [...problems, ...warnings]) {
    const [box, rest] = p.field ? fieldBox(p.field) : [null, ""];
    const text = (rest ? `${where(rest)}：` : "") + p.message;
    if (box) {
      const msg = box.querySelector(":scope > .msg") || box.querySelector(".msg");
      const line = document.createElement("div");
      line.className = p.level;
      line.textContent = (p.level === "warning" ? "提示：" : "") + text;
      msg.appendChild(line);
      box.classList.add(p.level === "warning" ? "has-warning" : "has-error");
    }
    const item = document.createElement("li");
    item.className = p.level;
    item.textContent = p.text;
    item.title = "点此跳到该处";
    item.addEventListener("click", () => goTo(p, box));
    list.appendChild(item);
  }
  const count = document.getElementById("problem-count");
  count.textContent = problems.length ? `${problems.length} 处错误` : (warnings.length ? `${warnings.length} 条提示` : "无错误");
  count.className = "count " + (problems.length ? "error" : "ok");
}

function goTo(problem, box) {
  if (box && !document.getElementById("tab-form").hidden) {
    box.scrollIntoView({ block: "center" });
    const input = box.querySelector("input[data-path], textarea[data-path], select[data-path]");
    if (input) input.focus();
    return;
  }
  if (problem.line) {
    selectTab("yaml");
    const lines = yamlArea.value.split("\n");
    const start = lines.slice(0, problem.line - 1).join("\n").length + (problem.line > 1 ? 1 : 0);
    yamlArea.focus();
    yamlArea.setSelectionRange(start, start + (lines[problem.line - 1] || "").length);
  }
}

// ------------------------------------------------------------------------------------------
// The YAML tab

yamlArea.addEventListener("input", () => {
  state.yaml = yamlArea.value;
  schedule("yaml", { form: true });
});

// ------------------------------------------------------------------------------------------
// The preview

const pagesBox = document.getElementById("pages");
const defs = document.getElementById("glyph-defs");
const SVG_NS = "http://www.w3.org/2000/svg";
let pageLines = [];

function showPreview(preview, ms) {
  const fragment = [];
  for (const [id, d] of Object.entries(preview.glyphs)) {
    if (!document.getElementById(id)) fragment.push(`<path id="${id}" d="${d}"/>`);
  }
  if (fragment.length) defs.insertAdjacentHTML("beforeend", fragment.join(""));
  const existing = [...pagesBox.children];
  preview.pages.forEach((page, i) => {
    let box = existing[i];
    if (!box) {
      box = document.createElement("div");
      box.className = "page";
      pagesBox.appendChild(box);
    }
    if (box.dataset.hash !== page.hash && page.svg != null) {
      box.innerHTML = page.svg;
      const text = document.createElement("div");
      text.className = "page-text";  // the page's words for screen readers (glyphs are outlines)
      text.textContent = page.text;
      box.appendChild(text);
      box.dataset.hash = page.hash;
    }
    box.dataset.number = String(i + 1);
    box.dataset.width = String(page.width);
    box.dataset.height = String(page.height);
    box.style.aspectRatio = `${page.width} / ${page.height}`;
  });
  existing.slice(preview.pages.length).forEach((box) => box.remove());
  pageLines = preview.pages.map((p) => p.lines);
  pagesBox.classList.remove("stale");
  const status = document.getElementById("preview-status");
  status.classList.remove("stale");
  status.textContent = `共 ${preview.pages.length} 页；排版 ${preview.seconds.toFixed(2)} 秒，往返 ${(ms / 1000).toFixed(2)} 秒`;
  pagesBox.dataset.updated = String(Date.now());
  pagesBox.dispatchEvent(new CustomEvent("preview-updated"));
}

// A click on a line of the preview goes to the field it comes from.
pagesBox.addEventListener("click", (event) => {
  const box = event.target.closest(".page");
  if (!box) return;
  const rect = box.getBoundingClientRect();
  const scale = Number(box.dataset.width) / rect.width;
  const x = (event.clientX - rect.left) * scale;
  const y = (event.clientY - rect.top) * scale;
  const lines = pageLines[Number(box.dataset.number) - 1] || [];
  const line = lines.find((l) => l.top - 2 <= y && y <= l.bottom + 2 && l.x0 - 2 <= x && x <= l.x1 + 2);
  if (!line || !line.field) return;
  selectTab("form");
  const [fieldEl] = fieldBox(line.field);
  if (fieldEl) {
    fieldEl.scrollIntoView({ block: "center" });
    const input = fieldEl.querySelector("input[data-path], textarea[data-path]");
    if (input) input.focus();
  }
});

function highlight(pageNumber, box) {
  for (const old of pagesBox.querySelectorAll(".highlight")) old.remove();
  const page = pagesBox.children[pageNumber - 1];
  if (!page) return;
  selectTab("preview");
  if (box) {
    const w = Number(page.dataset.width);
    const h = Number(page.dataset.height);
    const mark = document.createElement("div");
    mark.className = "highlight";
    mark.style.left = `${(box.x0 / w) * 100}%`;
    mark.style.width = `${((box.x1 - box.x0) / w) * 100}%`;
    mark.style.top = `${(box.top / h) * 100}%`;
    mark.style.height = `${((box.bottom - box.top) / h) * 100}%`;
    page.appendChild(mark);
    mark.scrollIntoView({ block: "center" });
  } else {
    page.scrollIntoView({ block: "start" });
  }
}

// ------------------------------------------------------------------------------------------
// Tabs

function selectTab(name) {
  const button = document.querySelector(`.tab[data-tab="${name}"]`);
  const bar = button.parentElement;
  for (const tab of bar.querySelectorAll(".tab")) {
    const active = tab === button;
    tab.classList.toggle("active", active);
    document.getElementById("tab-" + tab.dataset.tab).hidden = !active;
  }
  if (name === "yaml") yamlArea.value = state.yaml;
}

for (const tab of document.querySelectorAll(".tab")) {
  tab.addEventListener("click", () => selectTab(tab.dataset.tab));
}

// ------------------------------------------------------------------------------------------
// Banner, save, download

function banner(message, { saveAs = false } = {}) {
  document.getElementById("banner-text").textContent = message || "";
  document.getElementById("banner").hidden = !message;
  document.getElementById("banner-save-as").hidden = !saveAs;
}
document.getElementById("banner-close").addEventListener("click", () => banner(""));

function setSaved(saved, text) {
  state.saved = saved;
  const el = document.getElementById("doc-state");
  el.textContent = text || (saved ? "已保存" : (state.file ? "有未保存的修改" : "未保存"));
  el.classList.toggle("unsaved", !saved);
}

async function save(file, base) {
  await settled();
  const result = await post("/api/save", { file, yaml: state.yaml, base });
  if (!result.ok) {
    banner(result.data.error, { saveAs: result.status === 409 });
    return false;
  }
  banner("");
  state.file = result.data.file;
  state.name = result.data.file;
  state.base = result.data.base;
  document.getElementById("doc-name").textContent = state.file;
  document.title = `${state.file} · gongwen`;
  history.replaceState(null, "", "/edit?file=" + encodeURIComponent(state.file));
  const problems = result.data.problems;
  setSaved(true, problems ? `已保存（仍有 ${problems} 处错误）` : "已保存");
  return true;
}

const saveAsForm = document.getElementById("save-as-form");
function askName() {
  saveAsForm.hidden = false;
  const input = document.getElementById("save-as-name");
  input.value = state.file || state.name;
  input.focus();
  input.select();
}
document.getElementById("save").addEventListener("click", () => {
  if (state.file) save(state.file, state.base);
  else askName();
});
document.getElementById("save-as").addEventListener("click", askName);
document.getElementById("banner-save-as").addEventListener("click", askName);
document.getElementById("save-as-cancel").addEventListener("click", () => { saveAsForm.hidden = true; });
saveAsForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  let name = document.getElementById("save-as-name").value.trim();
  if (!/\.ya?ml$/i.test(name)) name += ".yaml";
  if (await save(name, null)) saveAsForm.hidden = true;
});

for (const button of document.querySelectorAll(".download")) {
  button.addEventListener("click", async () => {
    await settled();
    const fmt = button.dataset.format;
    const result = await post(`/api/export/${fmt}`, { file: state.file, name: state.name, yaml: state.yaml }, { blob: true });
    if (!result.ok) {
      banner(result.data.error || "无法下载");
      return;
    }
    saveBlob(result.data, dispositionName(result.response, `${fmt}`));
  });
}

window.addEventListener("beforeunload", (event) => {
  if (!state.saved) {
    event.preventDefault();
    event.returnValue = "";
  }
});

// ------------------------------------------------------------------------------------------
// Check and compare

const SEVERITY = { error: "错误", warning: "警告", info: "提示" };

document.getElementById("check-run").addEventListener("click", async () => {
  await settled();
  const summary = document.getElementById("check-summary");
  const list = document.getElementById("findings");
  summary.textContent = "检查中…";
  list.textContent = "";
  const result = await post("/api/check", { file: state.file, name: state.name, yaml: state.yaml });
  if (!result.ok) {
    summary.textContent = result.data.error;
    return;
  }
  const report = result.data;
  const s = report.summary;
  summary.textContent = `${report.clean ? "符合" : "不符合"}：${s.errors} 个错误，${s.warnings} 个警告，${s.info} 个提示`;
  summary.className = report.clean ? "ok" : "error";
  for (const f of report.findings) {
    const item = document.createElement("li");
    item.className = "finding " + f.severity;
    const head = document.createElement("div");
    head.className = "finding-head";
    head.textContent = `${SEVERITY[f.severity] || f.severity}  ${f.clause}  ${f.where}`;
    const body = document.createElement("div");
    body.textContent = f.message;
    item.append(head, body);
    for (const [label, value] of [["实测", f.measured], ["应为", f.expected]]) {
      if (value) {
        const line = document.createElement("div");
        line.className = "measure";
        line.textContent = `${label}：${value}`;
        item.appendChild(line);
      }
    }
    if (f.page) {
      item.dataset.page = String(f.page);
      item.title = "在预览中查看";
      item.addEventListener("click", () => highlight(f.page, f.box));
    }
    list.appendChild(item);
  }
});

document.getElementById("diff-run").addEventListener("click", async () => {
  const summary = document.getElementById("diff-summary");
  const frame = document.getElementById("diff-report");
  const file = document.getElementById("diff-file").files[0];
  if (!file) {
    summary.textContent = "请先选择参照文件";
    return;
  }
  await settled();
  summary.textContent = "比较中…";
  const buffer = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < buffer.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, buffer.subarray(i, i + 0x8000));
  }
  const result = await post("/api/diff", {
    file: state.file, name: state.name, yaml: state.yaml, reference_name: file.name,
    reference: btoa(binary), layout: document.getElementById("diff-layout").checked,
  });
  if (!result.ok) {
    summary.textContent = result.data.error;
    frame.hidden = true;
    return;
  }
  summary.textContent = result.data.identical ? "相同" : "有不同之处（见下表）";
  frame.srcdoc = result.data.html;
  frame.hidden = false;
});

// ------------------------------------------------------------------------------------------
// Start: validate and preview the letter as opened

setSaved(state.saved);
schedule("yaml", { now: true, edit: false });
