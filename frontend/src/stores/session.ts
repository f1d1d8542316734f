/**
 * The logged-in session: the bearer token (kept in localStorage so a reload stays logged in)
 * and the current user. Every page reads the user from here, never from the API directly.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { authApi, toApiError, usersApi, type User } from '@/api'

export const TOKEN_KEY = 'yinqing.token'

function readToken(): string | null {
  return typeof localStorage === 'undefined' ? null : localStorage.getItem(TOKEN_KEY)
}

export const useSessionStore = defineStore('session', () => {
  const token = ref<string | null>(readToken())
  const user = ref<User | null>(null)
  /** True once the stored token was checked against the server (or there was none). */
  const ready = ref(false)

  const isLoggedIn = computed(() => Boolean(token.value && user.value))
  const isAdmin = computed(() => user.value?.role === 'admin')

  function setToken(next: string | null): void {
    token.value = next
    if (next) localStorage.setItem(TOKEN_KEY, next)
    else localStorage.removeItem(TOKEN_KEY)
  }

  function setUser(next: User): void {
    user.value = next
  }

  /** Forget the session locally (no request); used on logout and when the server says 401. */
  function clear(): void {
    setToken(null)
    user.value = null
  }

  async function login(username: string, password: string): Promise<User> {
    const answer = await authApi.login(username, password)
    setToken(answer.token)
    user.value = answer.user
    return answer.user
  }

  async function register(username: string, password: string, nickname?: string): Promise<User> {
    const answer = await authApi.register({ username, password, nickname: nickname || undefined })
    setToken(answer.token)
    user.value = answer.user
    return answer.user
  }

  /** Revoke the token on the server, then forget it; logging out works even if the server is down. */
  async function logout(): Promise<void> {
    try {
      if (token.value) await authApi.logout()
    } catch {
      // The token is dropped locally anyway; a failed revoke only means it expires on its own.
    } finally {
      clear()
    }
  }

  /**
   * Reload the current user from the server. A 401 ends the session; any other failure (server
   * down) keeps the token so the next refresh can succeed.
   */
  async function refresh(): Promise<User | null> {
    if (!token.value) {
      user.value = null
      return null
    }
    try {
      user.value = await authApi.fetchMe()
    } catch (error) {
      if (toApiError(error).code === 401) clear()
      else user.value = null
    }
    return user.value
  }

  /** Check the stored token once at start-up (the router guard awaits this). */
  async function ensureReady(): Promise<void> {
    if (ready.value) return
    await refresh()
    ready.value = true
  }

  /** Change the password and switch to the new token the server issued. */
  async function changePassword(oldPassword: string, newPassword: string): Promise<void> {
    setToken(await usersApi.changePassword(oldPassword, newPassword))
  }

  return {
    token, user, ready, isLoggedIn, isAdmin,
    setToken, setUser, clear, login, register, logout, refresh, ensureReady, changePassword,
  }
})
