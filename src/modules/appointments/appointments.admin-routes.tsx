import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { isValidCsrfToken } from '../../platform/http/session.js';
import { localize } from '../../platform/i18n/i18n.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { sendPage } from '../../platform/views/html.js';
import { adminActorOf, ForbiddenPage, listDepartments, mayManageTown, type AdminActor } from '../administration/index.js';
import { requireStaff } from '../staff/index.js';
import type { ConfigOutcome } from './appointments.js';
import { describeErrors, doneMessages, t, type DoneMessage } from './appointments.i18n.js';
import { hoursField } from './appointments.schema.js';
import {
  addClosure, addCounter, createLocation, getLocationSetup, listLocations, removeClosure, removeOffer, saveOffer, saveOpeningHours, setCounterActive, updateLocationDetails,
} from './appointments.service.js';
import { configPaths, LocationListPage, LocationPage, NewLocationPage, newLocationValues, type ConfigPageProps } from './views/config-pages.js';

type FormRequest = FastifyRequest<{ Body: Record<string, unknown>; Params: { id: string; counterId: string; closureId: string } }>;
type PageRequest = FastifyRequest<{ Querystring: Record<string, string | undefined>; Params: { id: string } }>;

/** A signed-in town admin on a configuration page. */
interface TownAdmin {
  actor: AdminActor & { kind: 'staff' };
  page: ConfigPageProps;
}

/** The form's fields as typed (a repeated field counts as missing), cut to a sane length. */
function fields<K extends string>(body: Record<string, unknown>, names: readonly K[]): Record<K, string> {
  return Object.fromEntries(names.map((n) => [n, typeof body[n] === 'string' ? body[n].slice(0, 2000) : ''])) as Record<K, string>;
}

const locationFields = ['name', 'address', 'accessibility', 'department', 'horizonDays', 'leadHours', 'slotMinutes', 'holidayRegion', 'ticketLetter', 'releaseTime', 'contactRetentionDays'] as const;
const offerFields = ['offerService', 'offerMinutes', 'offerExtraMinutes', 'offerMaxPersons'] as const;
const hoursFields = [1, 2, 3, 4, 5, 6, 7].map(hoursField);
const closureFields = ['closureFirst', 'closureLast', 'closureReason'] as const;

/** The appointment configuration under /verwaltung/admin/termine: town admins only. */
export async function appointmentAdminRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;

  /** The signed-in town admin, or null after answering (sign-in redirect, 403); a form's CSRF token must match. */
  async function requireTownAdmin(request: FastifyRequest, reply: FastifyReply, form?: Record<string, unknown>): Promise<TownAdmin | null> {
    const signedIn = await requireStaff(db, request, reply);
    if (!signedIn) return null;
    if (form && !isValidCsrfToken(signedIn, form._csrf)) {
      sendErrorPage(request, reply, 403);
      return null;
    }
    const actor = adminActorOf(signedIn.staff);
    if (!mayManageTown(actor)) {
      sendPage(reply, <ForbiddenPage ctx={signedIn.ctx} staffName={signedIn.staff.name} />, 403);
      return null;
    }
    const done = doneMessages.find((m) => m === (request.query as Record<string, string | undefined>).erledigt);
    return { actor, page: { ctx: signedIn.ctx, staffName: signedIn.staff.name, townAdmin: true, errors: {}, doneText: done && t(request.lang, `done_${done}`) } };
  }

  const departmentsOf = async (request: FastifyRequest, actor: AdminActor) => {
    const result = await listDepartments(db, request.tenant.id, actor);
    return result.ok ? result.value : [];
  };

  app.get(configPaths.locations, async (request: PageRequest, reply) => {
    const admin = await requireTownAdmin(request, reply);
    if (!admin) return reply;
    const locations = await listLocations(db, request.tenant.id, admin.actor);
    if (!locations.ok) return reply.callNotFound();
    return sendPage(reply, <LocationListPage {...admin.page} locations={locations.value} />);
  });

  async function showNewLocation(request: FastifyRequest, reply: FastifyReply, admin: TownAdmin, values: Record<string, string>, errors: FieldErrors = {}) {
    const departments = await departmentsOf(request, admin.actor);
    return sendPage(reply, <NewLocationPage {...admin.page} errors={errors} values={values} departments={departments} />, Object.keys(errors).length ? 422 : 200);
  }

  app.get(configPaths.newLocation, async (request: PageRequest, reply) => {
    const admin = await requireTownAdmin(request, reply);
    if (!admin) return reply;
    return showNewLocation(request, reply, admin, newLocationValues);
  });

  app.post(configPaths.newLocation, async (request: FormRequest, reply) => {
    const body = request.body ?? {};
    const admin = await requireTownAdmin(request, reply, body);
    if (!admin) return reply;
    const values = fields(body, locationFields);
    const result = await createLocation(db, request.tenant.id, admin.actor, values);
    if (result.ok) return reply.redirect(`${configPaths.location(result.value.id)}?erledigt=locationCreated`, 303);
    if (result.kind !== 'invalid') return reply.callNotFound();
    return showNewLocation(request, reply, admin, values, describeErrors(request.lang, result.errors));
  });

  /** The location page, with a refused form's messages and typed values when given. */
  async function showLocation(request: FastifyRequest, reply: FastifyReply, admin: TownAdmin, id: string, values: Record<string, string> = {}, errors: FieldErrors = {}) {
    const setup = await getLocationSetup(db, request.tenant.id, admin.actor, id);
    if (!setup.ok) return reply.callNotFound();
    const departments = await departmentsOf(request, admin.actor);
    const townServices = setup.value.townServiceIds.map((serviceId) => {
      const service = deps.services.get(serviceId);
      return { id: serviceId, title: service ? localize(service.definition.title, request.lang) : serviceId };
    });
    return sendPage(reply, <LocationPage {...admin.page} errors={errors} values={values} setup={setup.value} departments={departments} townServices={townServices} />, Object.keys(errors).length ? 422 : 200);
  }

  app.get(configPaths.location(':id'), async (request: PageRequest, reply) => {
    const admin = await requireTownAdmin(request, reply);
    if (!admin) return reply;
    return showLocation(request, reply, admin, request.params.id);
  });

  /**
   * A form post on the location page: parse the named fields, run one use case, then back to the
   * page with its success message (303), or the page again with the messages and typed values (422).
   */
  function locationForm<K extends string>(path: string, names: readonly K[], done: DoneMessage | ((body: Record<string, unknown>) => DoneMessage),
    change: (request: FormRequest, admin: TownAdmin, values: Record<K, string>) => Promise<ConfigOutcome<unknown>>) {
    app.post(path, async (request: FormRequest, reply) => {
      const body = request.body ?? {};
      const admin = await requireTownAdmin(request, reply, body);
      if (!admin) return reply;
      const values = fields(body, names);
      const result = await change(request, admin, values);
      if (result.ok) return reply.redirect(`${configPaths.location(request.params.id)}?erledigt=${typeof done === 'string' ? done : done(body)}`, 303);
      if (result.kind === 'forbidden') return sendPage(reply, <ForbiddenPage ctx={admin.page.ctx} staffName={admin.page.staffName} />, 403);
      if (result.kind === 'notFound') return reply.callNotFound();
      return showLocation(request, reply, admin, request.params.id, values, describeErrors(request.lang, result.errors));
    });
  }

  const town = (request: FastifyRequest) => request.tenant.id;
  locationForm(configPaths.location(':id'), locationFields, 'locationSaved', (r, a, v) => updateLocationDetails(db, town(r), a.actor, r.params.id, v));
  locationForm(configPaths.counters(':id'), ['counterName'], 'counterAdded', (r, a, v) => addCounter(db, town(r), a.actor, r.params.id, v));
  locationForm(configPaths.counter(':id', ':counterId'), ['active'], (body) => (body.active === 'ja' ? 'counterActivated' : 'counterDeactivated'),
    (r, a, v) => setCounterActive(db, town(r), a.actor, r.params.id, r.params.counterId, v.active === 'ja'));
  locationForm(configPaths.offers(':id'), offerFields, 'offerSaved', (r, a, v) => saveOffer(db, town(r), a.actor, r.params.id, v));
  locationForm(configPaths.removeOffer(':id'), ['service'], 'offerRemoved', (r, a, v) => removeOffer(db, town(r), a.actor, r.params.id, v.service));
  locationForm(configPaths.hours(':id'), hoursFields, 'hoursSaved', (r, a, v) => saveOpeningHours(db, town(r), a.actor, r.params.id, v));
  locationForm(configPaths.closures(':id'), closureFields, 'closureAdded', (r, a, v) => addClosure(db, town(r), a.actor, r.params.id, v));
  locationForm(configPaths.removeClosure(':id', ':closureId'), [], 'closureRemoved', (r, a) => removeClosure(db, town(r), a.actor, r.params.id, r.params.closureId));
}
