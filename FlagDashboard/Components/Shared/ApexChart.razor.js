// A thin wrapper over the global ApexCharts (lib/apexcharts/apexcharts.min.js, loaded by App.razor).

// One palette for both themes: ApexCharts switches to another palette in dark mode, so a line would change colour
// with the theme. Mid-tone colours that read on white and on the dark theme's background alike.
export const seriesColors = ['#1e88e5', '#43a047', '#fb8c00', '#e53935', '#8e63ce', '#00acc1', '#d81b60', '#7cb342'];

export function create(element, options, dotNetRef) {
    const chart = new ApexCharts(element, {
        chart: {
            type: options.type,
            background: 'transparent',
            height: options.height,
            stacked: options.stacked,
            animations: { enabled: false },
            zoom: { enabled: true, type: 'x' },
            toolbar: { show: true, autoSelected: 'zoom', tools: { download: false, pan: false } },
            events: {
                zoomed: (_, { xaxis }) => {
                    if (xaxis && xaxis.min !== undefined && xaxis.max !== undefined) {
                        dotNetRef.invokeMethodAsync('ZoomedAsync', xaxis.min, xaxis.max);
                    } else {
                        dotNetRef.invokeMethodAsync('ZoomResetAsync');
                    }
                },
                beforeResetZoom: () => {
                    dotNetRef.invokeMethodAsync('ZoomResetAsync');
                    return undefined;
                },
            },
        },
        title: { text: options.title ?? undefined },
        theme: themeOf(options.dark),
        colors: seriesColors,
        series: asText(options.series),
        xaxis: { type: 'datetime' },
        yaxis: { labels: { formatter: v => Math.round(v).toString() } },
        dataLabels: { enabled: false },
        stroke: { width: 1 },
        legend: { position: 'top' },
        // On a phone the zoom tools take the top right, where a legend of long names would run under them.
        responsive: [{ breakpoint: 600, options: { legend: { position: 'bottom' } } }],
        noData: { text: 'No calls in this range' },
        tooltip: { x: { format: 'dd MMM HH:mm' } },
    });
    chart.render();
    return chart;
}

export function update(chart, series) {
    // New data covers its own range: drop a zoom left over from the previous data.
    chart.updateOptions({ series: asText(series), xaxis: { min: undefined, max: undefined } }, false, false);
}

// ApexCharts writes series names into legends and tooltips as HTML (innerHTML): names are the product's data
// (an environment's name, set through the API or an imported document), so they go in escaped, to be shown as text.
function asText(series) {
    return series.map(s => ({ ...s, name: escapeHtml(s.name) }));
}

function escapeHtml(text) {
    return String(text ?? '')
        .replaceAll('&', '&amp;')
        .replaceAll('<', '&lt;')
        .replaceAll('>', '&gt;')
        .replaceAll('"', '&quot;')
        .replaceAll("'", '&#39;');
}

export function theme(chart, dark) {
    chart.updateOptions({ theme: themeOf(dark) }, false, false);
}

function themeOf(dark) {
    return { mode: dark ? 'dark' : 'light' };
}

export function destroy(chart) {
    chart.destroy();
}
