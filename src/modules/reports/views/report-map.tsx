import type { Lang } from '../../../platform/i18n/i18n.js';
import { Button, CsrfField, TextField } from '../../../platform/views/components.js';
import { AdminFrame, type AdminPageProps } from '../../administration/index.js';
import type { TileLayer } from '../report-map.js';
import { t } from '../report-map.i18n.js';

/** The scripts of a page with a map: Leaflet, served from node_modules, then the portal's enhancement. */
export const mapScripts = ['/static/leaflet/leaflet.js', '/static/report-map.js'];

/** Where town admins set the map's tile server. */
export const mapSettingsPath = '/verwaltung/admin/karte';

/**
 * A map, hidden until public/report-map.js shows it: without JavaScript the page says the same in
 * its form, list or table. `pick` sets the form's latitude and longitude, `reports` marks the
 * list's items, `point` marks one place, `heat` colours the table's grid cells.
 */
export function MapRegion(props: { lang: Lang; layer: TileLayer; mode: 'pick' | 'reports' | 'point' | 'heat'; label: string; bounds: readonly number[]; point?: { lat: number; lon: number }; hint?: string }) {
  const { lang } = props;
  return (
    <div class="report-map-frame" hidden data-map-frame>
      {props.hint && <p class="kern-hint">{props.hint}</p>}
      <div class="report-map" role="region" aria-label={props.label} data-map={props.mode} data-tiles={props.layer.urlTemplate} data-attribution={props.layer.attribution}
        data-bounds={props.bounds.join(',')} data-lat={props.point?.lat} data-lon={props.point?.lon}
        data-centre-label={props.mode === 'pick' ? t(lang, 'useCentre') : undefined} data-marker-label={t(lang, 'pickedMarker')}></div>
    </div>
  );
}

/** The town admin's map settings: tile URL template and attribution. */
export function MapSettingsPage(props: AdminPageProps & { values: { tileUrl: string; attribution: string }; saved?: boolean }) {
  const { lang } = props.ctx;
  return (
    <AdminFrame {...props} title={t(lang, 'mapSettingsTitle')} section="reportMap" doneText={props.saved ? t(lang, 'mapSaved') : undefined}>
      <p class="kern-body">{t(lang, 'mapSettingsIntro')}</p>
      <form method="post" action={mapSettingsPath} novalidate class="map-settings">
        <CsrfField token={props.ctx.csrfToken} />
        <TextField name="tileUrl" label={t(lang, 'tileUrl')} hint={t(lang, 'tileUrlHint')} value={props.values.tileUrl} error={props.errors.tileUrl} lang={lang} maxLength={500} />
        <TextField name="attribution" label={t(lang, 'attribution')} hint={t(lang, 'attributionHint')} value={props.values.attribution} error={props.errors.attribution} lang={lang} maxLength={200} />
        <Button>{t(lang, 'saveMap')}</Button>
      </form>
    </AdminFrame>
  );
}
