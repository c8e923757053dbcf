import { initAll } from '../govuk/govuk-frontend.min.js'
import { initTimeoutWarning } from './timeout-warning.js'
import { initPackProgress } from './pack-progress.js'
import { initFollowUps } from './follow-ups.js'

initAll()
initTimeoutWarning(document.getElementById('timeout-dialog'))
initPackProgress(document.querySelector('[data-module="app-pack-progress"]'))
initFollowUps(document.querySelector('[data-show-if]')?.form)
