// dunbar's own small script: no framework, no inline code (the CSP forbids it).
// Behaviours are attached by data- attributes:
//   form[data-confirm]        asks before submitting
//   a[data-back]              goes back in history
//   [data-job]                polls a job's JSON and draws its progress, then follows done_url
//   input[data-live]          search as you type: fetches data-live?q=… (an HTML fragment,
//                             escaped by the server) into the element named by data-target
"use strict";

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") : "";
}

function onConfirm() {
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
  document.querySelectorAll("a[data-back]").forEach((a) => {
    a.addEventListener("click", (event) => {
      if (window.history.length > 1) {
        event.preventDefault();
        window.history.back();
      }
    });
  });
}

// A done_url that differs from this page only by its #fragment would be a
// same-document jump (no reload, so the finished result never shows): reload then.
function goTo(url) {
  const target = new URL(url, window.location.href);
  const here = window.location;
  if (target.origin === here.origin && target.pathname === here.pathname
      && target.search === here.search) {
    if (target.hash) here.hash = target.hash;
    here.reload();
  } else {
    here.assign(target.href);
  }
}

function followJob(box) {
  const url = box.getAttribute("data-job");
  const bar = box.querySelector("progress");
  const step = box.querySelector(".job-step");
  const tick = () => {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((r) => r.json())
      .then((job) => {
        if (job.total > 0) {
          bar.max = job.total;
          bar.value = job.done;
        } else {
          bar.removeAttribute("value");
        }
        const share = job.total > 0 ? ` (${Math.round((100 * job.done) / job.total)}%)` : "";
        step.textContent = `${job.step}${share}, ${job.seconds} s`;
        if (job.state === "finished") {
          bar.max = 1;
          bar.value = 1;
          step.textContent = "Finished.";
          if (job.done_url) goTo(job.done_url);
        } else if (job.state === "failed") {
          step.textContent = job.error;
          box.classList.add("failed");
        } else {
          window.setTimeout(tick, 300);
        }
      })
      .catch(() => window.setTimeout(tick, 1000));
  };
  tick();
}

function liveSearch(input) {
  const target = document.querySelector(input.getAttribute("data-target"));
  const base = input.getAttribute("data-live");
  const form = input.form;
  let timer = 0;
  let seq = 0;
  const run = () => {
    const params = new URLSearchParams(form ? new FormData(form) : undefined);
    params.set(input.name || "q", input.value);
    const mine = ++seq;
    fetch(`${base}?${params}`, { credentials: "same-origin", headers: { "X-Fragment": "1" } })
      .then((r) => r.text())
      .then((html) => {
        if (mine !== seq) return; // an older answer arriving late
        target.innerHTML = html; // server-rendered and escaped by Jinja2
        window.history.replaceState(null, "", `${window.location.pathname}?${params}`);
      });
  };
  const later = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 180);
  };
  input.addEventListener("input", later);
  if (form) form.addEventListener("change", (e) => { if (e.target !== input) later(); });
}

// A POST with the CSRF token, for scripts of the pages (JSON in, JSON out).
window.dunbarPost = function (url, body) {
  return fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken(), Accept: "application/json" },
    body: JSON.stringify(body),
  }).then((r) => r.json().then((data) => ({ ok: r.ok, status: r.status, data })));
};

document.addEventListener("DOMContentLoaded", () => {
  onConfirm();
  document.querySelectorAll("[data-job]").forEach(followJob);
  document.querySelectorAll("input[data-live]").forEach(liveSearch);
});
