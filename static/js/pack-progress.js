// The Cabinet pack progress page: ask the status endpoint every few seconds and say what the
// build is doing in the page's live region. The page is never reloaded, because a reload sends
// a screen reader back to the top (WCAG 2.2.1). Without JavaScript, or if the service cannot
// be reached, the Refresh link does the same when the reader asks.

export function initPackProgress (root) {
  if (!root || typeof window.fetch !== 'function') return
  const message = root.querySelector('[role="status"]')
  const elapsed = root.querySelector('.app-pack-progress__elapsed')
  const refresh = root.querySelector('.app-pack-progress__refresh')
  const delay = Number(root.dataset.pollSeconds || 2) * 1000
  refresh.hidden = true

  async function poll () {
    let state
    try {
      const response = await fetch(root.dataset.statusUrl, {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' }
      })
      if (!response.ok) throw new Error(response.statusText)
      state = await response.json()
    } catch (error) {
      refresh.hidden = false // signed out or offline: leave it to the reader
      return
    }
    // Only a new step is announced: rewriting the same words would repeat them.
    if (message.textContent !== state.message) message.textContent = state.message
    elapsed.textContent = state.elapsed
    if (state.finished) {
      const next = root.querySelector(`[data-when="${state.status}"]`)
      if (next) next.hidden = false
      return
    }
    window.setTimeout(poll, delay)
  }

  window.setTimeout(poll, delay)
}
