/** App entry: Pinia, router, Element Plus, and the wiring between the API client and the session. */
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus, { ElMessage } from 'element-plus'
import 'element-plus/dist/index.css'
import './styles/main.css'
import App from './App.vue'
import router from './router'
import { configureClient } from './api'
import { translate } from './i18n'
import { useSessionStore } from './stores/session'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(router)
app.use(ElementPlus)

const session = useSessionStore(pinia)
configureClient({
  getToken: () => session.token,
  onUnauthorized: () => {
    session.clear()
    const current = router.currentRoute.value
    // Only pages that need a login are left; a public page simply shows the logged-out state.
    if (current.meta.requiresAuth) {
      ElMessage.warning(translate('error.sessionExpired'))
      void router.push({ name: 'login', query: { redirect: current.fullPath } })
    }
  },
})

app.mount('#app')
