/* gongwen web: what every page shares — requests to the server with the page's CSRF value. */
"use strict";

const CSRF = document.querySelector('meta[name="gongwen-csrf"]').content;

/** POST to an endpoint; resolves with {ok, status, data} (data: parsed JSON, or a Blob). */
async function post(url, body, { raw = false, blob = false } = {}) {
  const headers = { "X-Gongwen-CSRF": CSRF };
  if (!raw) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method: "POST", headers, body: raw ? body : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch (err) {
    return { ok: false, status: 0, data: { error: "无法连接到 gongwen serve；它还在运行吗？" } };
  }
  if (blob && response.ok) {
    return { ok: true, status: response.status, data: await response.blob(), response };
  }
  let data;
  try {
    data = await response.json();
  } catch (err) {
    data = { error: `服务器出错（${response.status}）` };
  }
  return { ok: response.ok, status: response.status, data };
}

/** Show (or hide, with an empty message) a page's error line. */
function showError(element, message) {
  element.textContent = message || "";
  element.hidden = !message;
}

/** Save a Blob as a download named `name`. */
function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** The file name a response's Content-Disposition gives (UTF-8 form first). */
function dispositionName(response, fallback) {
  const header = response.headers.get("Content-Disposition") || "";
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (utf8) return decodeURIComponent(utf8[1]);
  const plain = /filename="([^"]+)"/i.exec(header);
  return plain ? plain[1] : fallback;
}
