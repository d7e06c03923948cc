// devIocStats' text forms of time: UPTIME as "N days, hh:mm:ss" and the time of day (STARTTOD, TOD)
// in the TODFORMAT sites most often give it, "%m/%d/%Y %H:%M:%S", in local time.

const pad = (value: number) => String(value).padStart(2, '0');

export function formatUptime(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const days = Math.floor(whole / 86400);
  const clock = `${pad(Math.floor(whole / 3600) % 24)}:${pad(Math.floor(whole / 60) % 60)}:${pad(whole % 60)}`;
  if (days === 0) return clock;
  return `${days} ${days === 1 ? 'day' : 'days'}, ${clock}`;
}

export function formatTimeOfDay(date: Date): string {
  const day = `${pad(date.getMonth() + 1)}/${pad(date.getDate())}/${date.getFullYear()}`;
  return `${day} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
