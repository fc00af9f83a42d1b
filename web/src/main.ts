import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import * as Icons from '@element-plus/icons-vue'
import App from './App.vue'
import router from './router'
import { i18n } from './i18n'
import { hasPermi } from './directives/hasPermi'
import { installSessionGuards } from './session'

const app = createApp(App)
for (const [name, component] of Object.entries(Icons)) app.component(name, component)
app.use(createPinia())
app.use(i18n)
installSessionGuards(router)
app.use(router)
app.use(ElementPlus)
app.directive('hasPermi', hasPermi)
app.mount('#app')
