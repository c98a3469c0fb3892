/** One colour per zone 0..5, so a zone looks the same on the live panel and in history. */
export const ZONE_COLORS = ['#596273', '#5b8def', '#3ddc97', '#ffd166', '#ff9f43', '#ff4d6d'] as const;
