// The seating plan of a gathering: move a guest to another table and the objective
// re-scores. Drag and drop (drop on a table to move, on a guest to swap), or the
// "move to…" select on a phone. The arrangement is POSTed with window.dunbarPost to
// /gatherings/{id}/rescore; "Save this seating" POSTs it to /gatherings/{id}/seating.
// Everything shown comes back as JSON and is set with textContent (never as HTML).
"use strict";

(function () {
  function init(box) {
    const gid = box.getAttribute("data-gathering");
    const saveButton = box.querySelector(".save-seating");
    const resetButton = box.querySelector(".reset-seating");
    const message = box.querySelector(".seating-message");
    let dragged = null;
    let seq = 0;

    function tablesOf(roundBox) {
      return Array.from(roundBox.querySelectorAll(".seat-table"));
    }

    function arrangement() {
      return Array.from(box.querySelectorAll(".round")).map((roundBox) =>
        tablesOf(roundBox).map((table) =>
          Array.from(table.querySelectorAll(".guest")).map((li) => Number(li.getAttribute("data-person")))
        )
      );
    }

    function fillList(list, lines) {
      while (list.firstChild) list.removeChild(list.firstChild);
      lines.forEach((line) => {
        const li = document.createElement("li");
        li.textContent = line;
        list.appendChild(li);
      });
    }

    function refreshSelects() {
      box.querySelectorAll(".round").forEach((roundBox) => {
        const tables = tablesOf(roundBox);
        tables.forEach((table, t) => {
          table.querySelectorAll("select.move").forEach((select) => {
            while (select.options.length > 1) select.remove(1);
            tables.forEach((_other, k) => {
              if (k !== t) select.add(new Option(`table ${k + 1}`, String(k)));
            });
            select.value = "";
          });
        });
      });
    }

    function show(data) {
      box.querySelector(".quality-text").textContent = data.quality;
      box.querySelector(".repeats").textContent = String(data.repeats);
      fillList(box.querySelector(".objective"), data.objective);
      fillList(box.querySelector(".bounds"), data.bounds);
      fillList(box.querySelector(".problems"), data.problems);
      box.querySelectorAll(".round").forEach((roundBox, r) => {
        tablesOf(roundBox).forEach((table, t) => {
          const why = table.querySelector(".why");
          if (why && data.why[r]) why.textContent = data.why[r][t] || "";
        });
      });
      if (saveButton) saveButton.disabled = data.problems.length > 0;
    }

    function rescore() {
      const mine = ++seq;
      if (message) message.textContent = "Scoring…";
      if (resetButton) resetButton.disabled = false;
      window.dunbarPost(`/gatherings/${gid}/rescore`, { rounds: arrangement() }).then((res) => {
        if (mine !== seq) return;
        if (res.ok) {
          show(res.data);
          if (message) message.textContent = "Not saved yet.";
        } else if (message) {
          message.textContent = res.data.detail || "Could not score that seating.";
        }
      }).catch(() => { if (message) message.textContent = "Could not reach the server."; });
    }

    function moveTo(li, table) {
      if (!table || li.closest(".seat-table") === table) return;
      table.querySelector(".seated").appendChild(li);
      refreshSelects();
      rescore();
    }

    function swap(a, b) {
      if (a === b || a.closest(".round") !== b.closest(".round")) return;
      const listA = a.parentNode;
      const listB = b.parentNode;
      if (listA === listB) return;
      const afterB = b.nextSibling;
      listA.replaceChild(b, a);
      listB.insertBefore(a, afterB);
      refreshSelects();
      rescore();
    }

    box.querySelectorAll(".guest").forEach((li) => {
      li.addEventListener("dragstart", (event) => {
        dragged = li;
        li.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", li.getAttribute("data-person"));
      });
      li.addEventListener("dragend", () => {
        li.classList.remove("dragging");
        dragged = null;
      });
      const select = li.querySelector("select.move");
      if (select) {
        select.addEventListener("change", () => {
          if (select.value === "") return;
          const tables = tablesOf(li.closest(".round"));
          moveTo(li, tables[Number(select.value)]);
        });
      }
    });

    box.querySelectorAll(".seat-table").forEach((table) => {
      table.addEventListener("dragover", (event) => {
        if (dragged && dragged.closest(".round") === table.closest(".round")) {
          event.preventDefault();
          table.classList.add("drop-here");
        }
      });
      table.addEventListener("dragleave", () => table.classList.remove("drop-here"));
      table.addEventListener("drop", (event) => {
        event.preventDefault();
        table.classList.remove("drop-here");
        if (!dragged || dragged.closest(".round") !== table.closest(".round")) return;
        const onGuest = event.target.closest ? event.target.closest(".guest") : null;
        if (onGuest && onGuest !== dragged) swap(dragged, onGuest);
        else moveTo(dragged, table);
      });
    });

    if (saveButton) {
      saveButton.addEventListener("click", () => {
        saveButton.disabled = true;
        window.dunbarPost(`/gatherings/${gid}/seating`, { rounds: arrangement() }).then((res) => {
          if (res.ok) window.location.assign(res.data.url);
          else {
            if (message) message.textContent = res.data.detail || "Not saved.";
            saveButton.disabled = false;
          }
        });
      });
    }
    if (resetButton) resetButton.addEventListener("click", () => window.location.reload());
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".seating[data-gathering]").forEach(init);
  });
})();
