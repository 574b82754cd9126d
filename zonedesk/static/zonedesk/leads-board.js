// The leads board: its "earlier / later stages" buttons scroll the board sideways by about one
// screen of columns, for a mouse without a sideways wheel; each is disabled at its end.
(function () {
  const board = document.querySelector("[data-testid=lead-board]");
  const buttons = document.querySelectorAll("[data-board-scroll]");
  if (!board || !buttons.length) return;
  function update() {
    const end = board.scrollWidth - board.clientWidth - 1;
    buttons.forEach((b) => {
      b.disabled = b.dataset.boardScroll === "-1" ? board.scrollLeft <= 0 : board.scrollLeft >= end;
    });
  }
  buttons.forEach((b) =>
    b.addEventListener("click", () => {
      board.scrollBy({ left: Number(b.dataset.boardScroll) * board.clientWidth * 0.8, behavior: "smooth" });
    }),
  );
  board.addEventListener("scroll", update, { passive: true });
  window.addEventListener("resize", update);
  update();
})();
