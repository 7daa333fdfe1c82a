const KEY = 'unet-studio-token';

/**
 * The browser shell's session token: taken from the page URL's `?token=` (then removed from the
 * address bar, so it is not left in screenshots or bookmarks) and kept in sessionStorage so a
 * reload still has it. Null when neither holds one (the HttpOnly cookie may still authenticate).
 */
export function sessionToken(win: Window): string | null {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      win.sessionStorage.setItem(KEY, fromUrl);
    } catch {
      /* storage disabled: the cookie still works */
    }
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  try {
    return win.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}
