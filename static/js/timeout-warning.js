// The GOV.UK timeout warning: before an idle session ends, offer to stay signed in.
// Without JavaScript the session still ends safely; answers are saved on every page.

function describe (seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60)
    return minutes === 1 ? '1 minute' : `${minutes} minutes`
  }
  return seconds === 1 ? '1 second' : `${seconds} seconds`
}

export function initTimeoutWarning (dialog) {
  if (!dialog || typeof dialog.showModal !== 'function') return
  const timeout = Number(dialog.dataset.timeoutSeconds)
  const warning = Math.min(Number(dialog.dataset.warningSeconds), timeout / 2)
  const countdown = dialog.querySelector('.app-timeout-dialog__countdown')
  const signOutForm = document.querySelector('form.app-sign-out')
  let expiresAt = Date.now() + timeout * 1000
  let lastAnnounced = ''
  let returnFocusTo = null

  let timer = null

  function signOut () {
    // Once only: a second submit would abort the first navigation.
    clearInterval(timer)
    if (signOutForm) signOutForm.submit()
  }

  function close () {
    if (dialog.open) dialog.close()
    if (returnFocusTo) returnFocusTo.focus()
  }

  async function stay () {
    try {
      const response = await fetch(dialog.dataset.keepAliveUrl, { credentials: 'same-origin' })
      if (!response.ok) throw new Error(response.statusText)
      expiresAt = Date.now() + timeout * 1000
      close()
    } catch (error) {
      countdown.textContent = 'a moment (we could not reach the service)'
    }
  }

  function tick () {
    const remaining = Math.round((expiresAt - Date.now()) / 1000)
    if (remaining <= 0) {
      signOut()
      return
    }
    if (remaining <= warning) {
      if (!dialog.open) {
        returnFocusTo = document.activeElement
        dialog.showModal()
        dialog.querySelector('#timeout-stay').focus()
      }
      // Announce whole minutes, then every 15 seconds, so screen readers are not flooded.
      const text = describe(remaining)
      if (remaining > 60 ? text !== lastAnnounced : remaining % 15 === 0 || remaining <= 5) {
        countdown.textContent = text
        lastAnnounced = text
      }
    }
  }

  dialog.querySelector('#timeout-stay').addEventListener('click', stay)
  dialog.querySelector('#timeout-sign-out').addEventListener('click', signOut)
  dialog.addEventListener('cancel', (event) => { event.preventDefault(); stay() })
  timer = setInterval(tick, 1000)
}
