// Follow-up questions on a declaration page (templates/declarations/page.html): a question that
// an answer on the same page asks for appears as soon as that answer is chosen, and goes when it
// is taken back. Each follow-up's fieldset carries its rule in data-show-if (from
// supplier_dd/domain/follow_ups.py); a hidden one is also disabled, so its answer is not sent.
// Without JavaScript the server shows the follow-up once the page is saved.

function answersTo (form, name) {
  const values = []
  for (const element of form.elements) {
    // :disabled is true inside a disabled fieldset too: a hidden question's answer does not count.
    if (element.name !== name || element.matches(':disabled')) continue
    if (element.type === 'radio' || element.type === 'checkbox') {
      if (element.checked) values.push(element.value)
    } else if (element.tagName === 'SELECT') {
      for (const option of element.selectedOptions) values.push(option.value)
    } else {
      values.push(element.value)
    }
  }
  return values
}

function holds (rule, form) {
  if (typeof rule === 'boolean') return rule
  if (rule.any) return rule.any.some((part) => holds(part, form))
  if (rule.all) return rule.all.every((part) => holds(part, form))
  return answersTo(form, rule.question).some((value) => rule.any_of.includes(value))
}

export function initFollowUps (form) {
  if (!form) return
  const followUps = Array.from(form.querySelectorAll('[data-show-if]'), (element) => ({
    element, rule: JSON.parse(element.dataset.showIf)
  }))
  if (followUps.length === 0) return
  const update = () => {
    // In page order, so a follow-up of a follow-up sees whether its question is shown.
    for (const { element, rule } of followUps) {
      const shown = holds(rule, form)
      element.hidden = !shown
      element.disabled = !shown
    }
  }
  form.addEventListener('change', update)
  update()
}
