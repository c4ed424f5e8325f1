/* The batch page: start rendering the folder, then poll the progress and show the report. */
"use strict";

const batchError = document.getElementById("error");
const STATUS = { rendered: "已排版", unchanged: "未变", failed: "失败", cancelled: "已取消" };

function cell(row, text, cls) {
  const td = row.insertCell();
  if (cls) td.className = cls;
  if (text instanceof Node) td.appendChild(text); else td.textContent = text;
  return td;
}

function show(status) {
  const body = document.querySelector("#results tbody");
  document.getElementById("progress").hidden = status.state === "idle";
  const bar = document.getElementById("progress-bar");
  bar.max = Math.max(1, status.total || 1);
  bar.value = status.done || 0;
  const state = { starting: "准备中", running: "排版中", done: "完成", failed: "出错" }[status.state] || "";
  document.getElementById("progress-text").textContent =
    `${state}：${status.done || 0} / ${status.total || "?"} 封，${status.seconds || 0} 秒`;
  showError(batchError, status.error);
  body.textContent = "";
  for (const letter of status.letters || []) {
    const row = body.insertRow();
    row.dataset.status = letter.status;
    cell(row, letter.source);
    cell(row, STATUS[letter.status] || letter.status, "status-" + letter.status);
    cell(row, letter.pages == null ? "" : String(letter.pages));
    const links = document.createElement("span");
    for (const output of letter.outputs) {
      const a = document.createElement("a");
      a.href = `/files/${encodeURI(status.out)}/${encodeURI(output)}`;
      a.textContent = output.split("/").pop();
      links.append(a, " ");
    }
    cell(row, links);
    const notes = [...letter.problems, ...letter.warnings].map((p) => {
      const where = [p.file, p.line || null, p.column || null].filter(Boolean).join(":");
      return `${where}: ${p.field ? p.field + ": " : ""}${p.message}`;
    });
    cell(row, notes.join("\n"), "notes");
  }
  document.getElementById("results").hidden = !(status.letters || []).length;
  if (status.report) {
    const c = status.report.counts;
    const summary = document.getElementById("summary");
    summary.textContent = `共 ${status.report.letters.length} 封：已排版 ${c.rendered}，未变 ${c.unchanged}，失败 ${c.failed}；用时 ${status.report.seconds} 秒。报告：`;
    const a = document.createElement("a");
    a.href = `/files/${encodeURI(status.report.report_file)}`;
    a.textContent = status.report.report_file;
    summary.appendChild(a);
  }
}

async function poll() {
  const response = await fetch("/api/batch", { credentials: "same-origin" });
  const status = await response.json();
  show(status);
  if (status.state === "starting" || status.state === "running") setTimeout(poll, 400);
  else document.getElementById("batch-start").disabled = false;
}

document.getElementById("batch-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const formats = [...form.querySelectorAll('input[name="formats"]:checked')].map((i) => i.value);
  document.getElementById("summary").textContent = "";
  const result = await post("/api/batch", { out: form.out.value, formats });
  if (!result.ok) {
    showError(batchError, result.data.error);
    return;
  }
  document.getElementById("batch-start").disabled = true;
  show(result.data);
  poll();
});

poll();
