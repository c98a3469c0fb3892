/** Local wall-clock time with seconds, as alert banners, logs and notifications show an instant (epoch ms). */
export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
