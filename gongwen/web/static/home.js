/* The start page: a new letter from a template, an import or an uploaded YAML. */
"use strict";

const homeError = document.getElementById("error");

function openDraft(result) {
  if (result.ok) {
    window.location.href = "/edit?draft=" + encodeURIComponent(result.data.draft);
  } else {
    showError(homeError, result.data.error);
    homeError.scrollIntoView({ block: "center" });
  }
}

for (const form of document.querySelectorAll("form.template")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = {};
    for (const input of form.querySelectorAll("input[name], textarea[name]")) {
      if (input.value.trim()) values[input.name] = input.value;
    }
    openDraft(await post("/api/new", { kind: form.dataset.kind, values }));
  });
}

async function sendFile(inputId, url) {
  const file = document.getElementById(inputId).files[0];
  if (!file) {
    showError(homeError, "请先选择文件");
    return;
  }
  openDraft(await post(`${url}?name=${encodeURIComponent(file.name)}`, file, { raw: true }));
}

document.getElementById("import-button").addEventListener("click", () => sendFile("import-file", "/api/import"));
document.getElementById("upload-button").addEventListener("click", () => sendFile("upload-file", "/api/upload"));
