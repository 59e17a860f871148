/*
 * The board's system for hosts/moddable/device-system.ts: a watchdog on the
 * JavaScript task, the reason of the last reset, and a restart.
 *
 * Watchdog: ESP-IDF's task watchdog when the firmware's sdkconfig has it
 * (CONFIG_ESP_TASK_WDT_EN; the SDK's default sdkconfig turns it off), watching
 * the XS task and panicking (then resetting) when it is not fed in time.
 * Otherwise a periodic esp_timer checks the time of the last feed and restarts
 * the chip itself; it runs in the esp_timer task, so a stuck XS task cannot
 * stop it. A restart it causes is marked in RTC memory so that the next boot
 * reports "timer_watchdog" rather than "software".
 */
#include "xsmc.h"

#include "esp_attr.h"
#include "esp_rom_sys.h"
#include "esp_system.h"
#include "esp_timer.h"
#include "sdkconfig.h"

#if CONFIG_ESP_TASK_WDT_EN
	#include "esp_task_wdt.h"
#endif

#define kWatchdogMark 0x57444f47 /* "WDOG" */
#define kCheckPeriodUs (500 * 1000)

enum {
	kWatchdogNone = 0,
	kWatchdogTask,
	kWatchdogTimer
};

static RTC_NOINIT_ATTR uint32_t gRestartMark;
static uint8_t gKind = kWatchdogNone;
static volatile int64_t gLastFeedUs = 0;
static int64_t gTimeoutUs = 0;
static esp_timer_handle_t gTimer = NULL;

static void checkFeed(void *argument)
{
	int64_t silent = esp_timer_get_time() - gLastFeedUs;
	if (silent > gTimeoutUs) {
		esp_rom_printf("watchdog: JavaScript task silent for %d ms, restarting\n", (int)(silent / 1000));
		gRestartMark = kWatchdogMark;
		esp_restart();
	}
}

void xs_device_watchdog_start(xsMachine *the)
{
	xsIntegerValue timeoutMs = xsmcToInteger(xsArg(0));
	if ((timeoutMs < 1000) || (timeoutMs > 600000))
		xsRangeError("watchdog: timeout must be 1000..600000 ms");
	if (gKind != kWatchdogNone)
		xsUnknownError("watchdog: already started");
	gLastFeedUs = esp_timer_get_time();
	gTimeoutUs = (int64_t)timeoutMs * 1000;
#if CONFIG_ESP_TASK_WDT_EN
	{
		esp_task_wdt_config_t config = {
			.timeout_ms = (uint32_t)timeoutMs,
			.idle_core_mask = 0,
			.trigger_panic = true,
		};
		esp_err_t err = esp_task_wdt_reconfigure(&config);
		if (ESP_ERR_INVALID_STATE == err)
			err = esp_task_wdt_init(&config);
		if (ESP_OK == err)
			err = esp_task_wdt_add(NULL);
		if (ESP_OK == err) {
			gKind = kWatchdogTask;
			xsmcSetString(xsResult, "task");
			return;
		}
	}
#endif
	{
		const esp_timer_create_args_t args = {
			.callback = checkFeed,
			.arg = NULL,
			.dispatch_method = ESP_TIMER_TASK,
			.name = "watchdog",
			.skip_unhandled_events = true,
		};
		if ((ESP_OK != esp_timer_create(&args, &gTimer)) || (ESP_OK != esp_timer_start_periodic(gTimer, kCheckPeriodUs)))
			xsUnknownError("watchdog: cannot start its timer");
		gKind = kWatchdogTimer;
		xsmcSetString(xsResult, "timer");
	}
}

void xs_device_watchdog_feed(xsMachine *the)
{
	gLastFeedUs = esp_timer_get_time();
#if CONFIG_ESP_TASK_WDT_EN
	if (kWatchdogTask == gKind)
		esp_task_wdt_reset();
#endif
}

void xs_device_reset_reason(xsMachine *the)
{
	const char *reason;
	esp_reset_reason_t value = esp_reset_reason();
	if ((ESP_RST_SW == value) && (kWatchdogMark == gRestartMark))
		reason = "timer_watchdog";
	else {
		switch (value) {
			case ESP_RST_POWERON: reason = "power_on"; break;
			case ESP_RST_EXT: reason = "external"; break;
			case ESP_RST_SW: reason = "software"; break;
			case ESP_RST_PANIC: reason = "panic"; break;
			case ESP_RST_INT_WDT: reason = "interrupt_watchdog"; break;
			case ESP_RST_TASK_WDT: reason = "task_watchdog"; break;
			case ESP_RST_WDT: reason = "other_watchdog"; break;
			case ESP_RST_DEEPSLEEP: reason = "deep_sleep"; break;
			case ESP_RST_BROWNOUT: reason = "brownout"; break;
			default: reason = "unknown"; break;
		}
	}
	gRestartMark = 0;
	xsmcSetString(xsResult, (char *)reason);
}

void xs_device_restart(xsMachine *the)
{
	esp_restart();
}
