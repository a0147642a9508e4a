package dev.livepad.browser;

import java.util.Map;

/**
 * Exact viewport sizes for the layout tests, as DevTools' device mode sets them. A window would not
 * do: Chromium makes none narrower than 500 px, and its own frame takes part of a window's height.
 * Up to {@link #PHONE_MAX_WIDTH} the viewport is a phone's: a touch screen, and a mobile viewport
 * that honours the page's {@code <meta name="viewport">}.
 */
final class Screens {
    /** The room page switches to its phone layout at this width and below (app.css). */
    static final int PHONE_MAX_WIDTH = 820;

    private Screens() {
    }

    /** A browser whose viewport is {@code width} x {@code height}: a phone's when narrow, else a desktop's. */
    static Browser launch(String label, int width, int height) {
        boolean phone = width <= PHONE_MAX_WIDTH;
        Browser browser = Chromium.launch(label, Math.max(width, 800), height + 200);
        browser.driver().executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", width, "height", height, "deviceScaleFactor", 1, "mobile", phone));
        if (phone) {
            browser.driver().executeCdpCommand("Emulation.setTouchEmulationEnabled", Map.of(
                    "enabled", true, "maxTouchPoints", 5));
        }
        return browser;
    }
}
