// One question per screen on a phone; the whole short form on a wider screen.
// Without JavaScript every question shows and the form works the same.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-survey]");
  if (!form) return;
  const questions = Array.from(form.querySelectorAll("[data-survey-question]"));
  const progress = form.querySelector("[data-survey-progress]");
  const bar = progress.querySelector("progress");
  const text = progress.querySelector("[data-survey-progress-text]");
  const back = form.querySelector("[data-survey-back]");
  const next = form.querySelector("[data-survey-next]");
  const submit = form.querySelector("[data-survey-submit]");
  const narrow = window.matchMedia("(max-width: 40rem)");
  let current = Math.max(0, questions.findIndex((q) => q.querySelector(".errorlist")));

  const answered = () =>
    questions.filter((q) => q.querySelector("input:checked") || q.querySelector("textarea")?.value.trim()).length;

  function show(moveFocus) {
    const stepped = narrow.matches;
    form.classList.toggle("is-stepped", stepped);
    progress.hidden = false;
    questions.forEach((q, i) => { q.dataset.current = String(!stepped || i === current); });
    if (stepped) {
      text.textContent = `Question ${current + 1} of ${questions.length}`;
      bar.value = current + 1;
      back.hidden = current === 0;
      next.hidden = current === questions.length - 1;
      submit.hidden = current !== questions.length - 1;
      if (moveFocus) questions[current].querySelector("legend").focus();
    } else {
      text.textContent = `${answered()} of ${questions.length} answered`;
      bar.value = answered();
      back.hidden = true;
      next.hidden = true;
      submit.hidden = false;
    }
  }

  questions.forEach((q) => q.querySelector("legend").setAttribute("tabindex", "-1"));
  next.addEventListener("click", () => { current = Math.min(current + 1, questions.length - 1); show(true); });
  back.addEventListener("click", () => { current = Math.max(current - 1, 0); show(true); });
  form.addEventListener("change", () => show(false));
  narrow.addEventListener("change", () => show(false));
  show(false);
});
