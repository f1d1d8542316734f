/**
 * Routes (history mode; Flask falls back to index.html for unknown paths).
 * Pages are lazy-loaded. `meta.requiresAuth` sends a logged-out visitor to /login?redirect=...;
 * `meta.titleKey` names the i18n key shown in the browser tab.
 *
 * To add a page: create `src/pages/XxxPage.vue` and add one entry to `layoutRoutes` (inside the
 * top navigation) or to `routes` (full-screen pages), then a nav item in AppLayout if it needs one.
 */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { translate, type MessageKey } from '@/i18n'
import { useSessionStore } from '@/stores/session'

declare module 'vue-router' {
  interface RouteMeta {
    requiresAuth?: boolean
    titleKey?: MessageKey
  }
}

const layoutRoutes: RouteRecordRaw[] = [
  { path: '', name: 'home', component: () => import('@/pages/HomePage.vue'), meta: { titleKey: 'nav.home' } },
  { path: 'songs', name: 'songs', component: () => import('@/pages/LibraryPage.vue'), meta: { titleKey: 'nav.songs' } },
  { path: 'songs/:id(\\d+)', name: 'song', component: () => import('@/pages/SongPage.vue'), meta: { titleKey: 'nav.songs' } },
  { path: 'artists/:id(\\d+)', name: 'artist', component: () => import('@/pages/ArtistPage.vue'), meta: { titleKey: 'nav.songs' } },
  { path: 'albums/:id(\\d+)', name: 'album', component: () => import('@/pages/AlbumPage.vue'), meta: { titleKey: 'nav.songs' } },
  { path: 'me', redirect: '/me/music' },
  {
    path: 'me/music',
    name: 'my-music',
    component: () => import('@/pages/MyMusicPage.vue'),
    meta: { titleKey: 'nav.myMusic', requiresAuth: true },
  },
  { path: 'recommend', name: 'recommend', component: () => import('@/pages/RecommendPage.vue'), meta: { titleKey: 'nav.recommend' } },
  { path: 'sentiment', name: 'sentiment', component: () => import('@/pages/SentimentPage.vue'), meta: { titleKey: 'nav.sentiment' } },
  { path: 'analysis', name: 'analysis', component: () => import('@/pages/AnalysisPage.vue'), meta: { titleKey: 'nav.analysis' } },
  {
    path: 'profile',
    name: 'profile',
    component: () => import('@/pages/ProfilePage.vue'),
    meta: { titleKey: 'nav.profile', requiresAuth: true },
  },
  {
    path: 'admin/evaluation',
    name: 'admin-evaluation',
    component: () => import('@/pages/AdminEvaluationPage.vue'),
    meta: { titleKey: 'nav.evaluation', requiresAuth: true },
  },
  {
    path: 'admin/crawls',
    name: 'admin-crawls',
    component: () => import('@/pages/AdminCrawlPage.vue'),
    meta: { titleKey: 'nav.crawl', requiresAuth: true },
  },
]

export const routes: RouteRecordRaw[] = [
  { path: '/', component: () => import('@/components/AppLayout.vue'), children: layoutRoutes },
  // The data screen is full-screen (no top navigation); it links back to the app itself.
  { path: '/dashboard', name: 'dashboard', component: () => import('@/pages/DashboardPage.vue'), meta: { titleKey: 'nav.dashboard' } },
  { path: '/login', name: 'login', component: () => import('@/pages/LoginPage.vue'), meta: { titleKey: 'nav.login' } },
  {
    path: '/:pathMatch(.*)*',
    component: () => import('@/components/AppLayout.vue'),
    children: [{ path: '', name: 'not-found', component: () => import('@/pages/NotFoundPage.vue') }],
  },
]

const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach(async (to) => {
  const session = useSessionStore()
  await session.ensureReady()
  if (to.meta.requiresAuth && !session.isLoggedIn) {
    return { name: 'login', query: { redirect: to.fullPath } }
  }
  return true
})

router.afterEach((to) => {
  const app = translate('app.name')
  document.title = to.meta.titleKey ? `${translate(to.meta.titleKey)} · ${app}` : app
})

export default router
