import { initAll } from '../govuk/govuk-frontend.min.js'
import { initTimeoutWarning } from './timeout-warning.js'

initAll()
initTimeoutWarning(document.getElementById('timeout-dialog'))
