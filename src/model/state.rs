//! The state of one run and how it starts (MODEL.md, "State of one run" and
//! "Initial state").

use super::params::*;
use super::rng::{Keyed, Stream};
use super::sample::band_rate;

/// The keys of people's clocks: permanent and agency workers' leaving
/// clocks, permanent workers' absence clocks and agency workers'
/// conversion clocks.
#[derive(Debug, Clone, Copy)]
pub struct Clocks {
    pub permanent: Keyed,
    pub agency: Keyed,
    pub absence: Keyed,
    pub conversion: Keyed,
    /// Whether anyone can start or end an absence in this run: without, no
    /// absence clock is drawn.
    pub absence_moves: bool,
    /// Whether agency workers can convert in this run: without, no
    /// conversion clock is drawn.
    pub conversion_moves: bool,
}

impl Clocks {
    /// Person `id`'s `k`th absence clock (infinite when absence never moves).
    pub fn absence_clock(&self, id: u64, k: u32) -> f64 {
        if self.absence_moves {
            self.absence.exponential(id, k)
        } else {
            f64::INFINITY
        }
    }

    /// Agency worker `id`'s `k`th conversion clock (infinite when nobody
    /// converts).
    pub fn conversion_clock(&self, id: u64, k: u32) -> f64 {
        if self.conversion_moves {
            self.conversion.exponential(id, k)
        } else {
            f64::INFINITY
        }
    }
}

/// Whether a clock has run out (an infinite hazard on an infinite clock
/// gives NaN, which counts as run out).
pub fn ran_out(clock: f64) -> bool {
    clock <= 0.0 || clock.is_nan()
}
use rand::Rng;

/// An enhanced payment a worker received, kept while it can be clawed back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PaymentReceived {
    /// The worker's id.
    pub worker: u64,
    /// The step it was paid in.
    pub step: u32,
    pub amount: f64,
    pub clawback_months: u32,
    pub clawback: Clawback,
}

/// The enhanced payments received that can still be clawed back.
#[derive(Debug, Clone)]
pub struct Payments {
    /// In the order they were paid.
    received: Vec<PaymentReceived>,
    /// No payment's window ends before this step (the earliest end when it
    /// was last worked out; `u32::MAX` with none), so the months before it
    /// need not look at them.
    first_end: u32,
}

impl Payments {
    /// A record holding `received` (emptied: a buffer lent by the last run).
    fn on_record(mut received: Vec<PaymentReceived>) -> Payments {
        received.clear();
        Payments {
            received,
            first_end: u32::MAX,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.received.is_empty()
    }

    /// Pays `scheme`'s amount, pro rata to FTE, to a worker at step t and
    /// keeps the record its clawback needs; returns the amount.
    pub fn pay(&mut self, scheme: &Payment, worker: u64, fte: f64, t: u32) -> f64 {
        let amount = scheme.amount * fte;
        self.first_end = self.first_end.min(t + scheme.clawback_months);
        self.received.push(PaymentReceived {
            worker,
            step: t,
            amount,
            clawback_months: scheme.clawback_months,
            clawback: scheme.clawback,
        });
        amount
    }

    /// What this month's leavers repay: every payment still in its window,
    /// in full or pro rata to the months remaining. Their payments stay on
    /// record until their windows end (nobody leaves twice, and ids are
    /// never reused), which spares moving the others.
    pub fn clawback(&self, leavers: &IdSet, t: u32) -> f64 {
        let mut recovered = 0.0;
        for p in &self.received {
            if !leavers.contains(p.worker) {
                continue;
            }
            let elapsed = t - p.step;
            if elapsed < p.clawback_months {
                recovered += match p.clawback {
                    Clawback::Full => p.amount,
                    Clawback::ProRata => {
                        p.amount * f64::from(p.clawback_months - elapsed) / f64::from(p.clawback_months)
                    }
                };
            }
        }
        recovered
    }

    /// Drops the payments a leaver at step `next` would no longer repay.
    pub fn age(&mut self, next: u32) {
        if next < self.first_end {
            return;
        }
        self.received.retain(|p| next - p.step < p.clawback_months);
        self.first_end = self
            .received
            .iter()
            .map(|p| p.step + p.clawback_months)
            .min()
            .unwrap_or(u32::MAX);
    }
}

/// A set of workers' ids (ids count from 0 in creation order), one bit
/// each: a look-up is a load and a test, however many are in it.
#[derive(Debug, Default)]
pub struct IdSet {
    words: Vec<u64>,
}

impl IdSet {
    /// Puts `ids` (each below `bound`) in the set.
    pub fn mark(&mut self, ids: &[u64], bound: u64) {
        let words = bound.div_ceil(64) as usize;
        if self.words.len() < words {
            self.words.resize(words, 0);
        }
        for &id in ids {
            self.words[(id / 64) as usize] |= 1 << (id % 64);
        }
    }

    /// Takes `ids` out again, leaving the set empty if they were all it held.
    pub fn unmark(&mut self, ids: &[u64]) {
        for &id in ids {
            self.words[(id / 64) as usize] &= !(1 << (id % 64));
        }
    }

    pub fn contains(&self, id: u64) -> bool {
        self.words
            .get((id / 64) as usize)
            .is_some_and(|w| w & (1 << (id % 64)) != 0)
    }
}

/// A permanent worker (one head).
#[derive(Debug, Clone, PartialEq)]
pub struct Worker {
    /// Identity in creation order: the key of the worker's own chances.
    pub id: u64,
    pub fte: f64,
    /// The step at which the worker had 0 months of service (negative for
    /// those in post at the start): service at step t is t - start, so
    /// nobody needs ageing each month.
    pub start: i32,
    /// Joined as an ASYE: in the ASYE year while service is under 12 months.
    pub asye: bool,
    pub absent: bool,
    /// What is left of the worker's leaving clock: an Exp(1) amount drawn
    /// once, used up by each month's hazard -ln(1 - q). The worker leaves
    /// in the month it runs out, which happens with probability exactly q
    /// given they are still here: the monthly Bernoulli of MODEL.md, drawn
    /// once per person instead of once per month.
    pub clock: f64,
    /// The absence clock, the same way: the hazard of starting an absence
    /// runs it down while present, the hazard of returning while absent; a
    /// new clock is drawn at each change.
    pub absence_clock: f64,
    /// Absence clocks drawn so far: the key of the next one.
    pub absence_draws: u32,
}

impl Worker {
    /// Completed months of service at step t.
    pub fn service(&self, t: u32) -> u32 {
        (i64::from(t) - i64::from(self.start)).max(0) as u32
    }

    /// Whether the worker is in the ASYE year at step t (the ASYE clock
    /// runs during absence).
    pub fn in_asye_year(&self, t: u32) -> bool {
        self.asye && self.service(t) < 12
    }
}

/// A covering agency worker (one head).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgencyWorker {
    /// Identity in engagement order: the key of the worker's own chances.
    pub id: u64,
    pub fte: f64,
    /// The agency worker's leaving clock, as for permanent workers.
    pub clock: f64,
    /// The conversion clock: run down by the conversion hazard in each
    /// month step 6 runs its conversions (unfilled posts, this month's
    /// engaged included); a new one is drawn when it runs out
    /// but the worker is not among those converted (the cap).
    pub conversion_clock: f64,
    /// Conversion clocks drawn so far: the key of the next one.
    pub conversion_draws: u32,
}

/// An accepted offer: a post that is not advertised again, unfilled until
/// `start`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Offer {
    pub fte: f64,
    pub start: u32,
}

/// Everything that carries from one month to the next.
#[derive(Debug, Clone)]
pub struct State {
    pub workers: Vec<Worker>,
    /// In engagement order, so the latest engaged are at the end.
    pub agency: Vec<AgencyWorker>,
    pub next_worker_id: u64,
    pub next_agency_id: u64,
    /// Payments still in their clawback window.
    pub payments: Payments,
    /// Where people's clocks come from.
    pub clocks: Clocks,
    pub pipeline: Vec<Offer>,
    pub open: Vec<u64>,
    pub pressure: f64,
    /// Permanent leavers' FTE by step, for the turnover rate.
    pub leavers_by_month: Vec<f64>,
    pub cost_cumulative: f64,
}

/// Splits FTE into heads of `per_head`, with one smaller head for any
/// remainder, so the total is exact.
pub fn heads(fte: f64, per_head: f64) -> impl ExactSizeIterator<Item = f64> {
    let whole = (fte / per_head + 1e-9).floor().max(0.0);
    let remainder = fte - whole * per_head;
    let whole = whole as usize;
    let heads = whole + usize::from(remainder > 1e-9);
    (0..heads).map(move |i| if i < whole { per_head } else { remainder })
}

/// The vectors of a run's [`State`], kept (emptied) for the next run so
/// that a run allocates only when it needs more room than the last.
#[derive(Debug, Default)]
pub struct StateBuffers {
    workers: Vec<Worker>,
    agency: Vec<AgencyWorker>,
    payments: Vec<PaymentReceived>,
    pipeline: Vec<Offer>,
    open: Vec<u64>,
    leavers_by_month: Vec<f64>,
}

/// Completed years of service the initial draw covers.
const SERVICE_YEARS: usize = 40;

/// Service months drawn for people already in post.
#[derive(Debug, Clone)]
enum ServiceDraw {
    /// Weights of completed years; the month within the year is uniform.
    ByYear(Weighted),
    /// Weights of months of service, 0 to 40 years.
    ByMonth(Weighted),
}

impl ServiceDraw {
    /// From the scenario's shares of service by year, or else the steady
    /// state of the monthly leaving probabilities by year of service (the
    /// last applying beyond).
    fn new(shares: Option<&[f64]>, leaving_by_year: &[f64]) -> ServiceDraw {
        match shares {
            Some(shares) => ServiceDraw::ByYear(Weighted::new(shares)),
            None => {
                // Steady state: P(s) proportional to the chance of surviving s months.
                let mut weights = Vec::with_capacity(12 * SERVICE_YEARS);
                let mut survival = 1.0;
                for year in 0..SERVICE_YEARS {
                    let q = band_rate(leaving_by_year, year);
                    for _ in 0..12 {
                        weights.push(survival);
                        survival *= 1.0 - q;
                    }
                }
                ServiceDraw::ByMonth(Weighted::new(&weights))
            }
        }
    }

    fn draw(&self, rng: &mut Stream) -> u32 {
        match self {
            ServiceDraw::ByYear(years) => years.pick(rng) * 12 + rng.random_range(0..12),
            ServiceDraw::ByMonth(months) => months.pick(rng),
        }
    }
}

/// The table that people in post at the start draw their months of service
/// from, with the leaving rates it was built from. Runs with the same
/// inputs share one (every run of a scenario, unless its leaving rates are
/// uncertain and it gives no service shares): the runner prepares it once
/// per scenario (`step::Prepared`) and each run checks that it fits.
#[derive(Debug, Clone)]
pub struct ServiceTable {
    /// The monthly leaving probabilities by year it was built from; `None`
    /// when it comes from the scenario's service shares, which they do not
    /// change.
    leaving_by_year: Option<Vec<f64>>,
    draw: ServiceDraw,
}

impl ServiceTable {
    /// From the scenario's shares of service by year, or else the steady
    /// state of the monthly leaving probabilities by year of service.
    pub fn new(shares: Option<&[f64]>, leaving_by_year: &[f64]) -> ServiceTable {
        ServiceTable {
            leaving_by_year: shares.is_none().then(|| leaving_by_year.to_vec()),
            draw: ServiceDraw::new(shares, leaving_by_year),
        }
    }

    /// Whether a run of the scenario this table was built for, with these
    /// monthly leaving probabilities, would build the very same table (the
    /// same values, bit for bit).
    pub fn fits(&self, leaving_by_year: &[f64]) -> bool {
        self.leaving_by_year.as_deref().is_none_or(|built| {
            built.len() == leaving_by_year.len()
                && built
                    .iter()
                    .zip(leaving_by_year)
                    .all(|(x, y)| x.to_bits() == y.to_bits())
        })
    }

    fn draw(&self, rng: &mut Stream) -> u32 {
        self.draw.draw(rng)
    }
}

/// Weights to draw an index from, in proportion, by inversion of their
/// cumulative sums. A guide table (Chen and Asau's indexed search) holds,
/// for each of as many equal slices of the total as there are weights, the
/// first index that can be drawn in it, so a draw looks at an entry or two
/// instead of searching the table.
#[derive(Debug, Clone)]
struct Weighted {
    cumulative: Vec<f64>,
    guide: Vec<usize>,
}

impl Weighted {
    fn new(weights: &[f64]) -> Weighted {
        let mut total = 0.0;
        let cumulative: Vec<f64> = weights
            .iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        let slices = cumulative.len();
        let mut guide = Vec::with_capacity(slices);
        let width = total / slices as f64;
        let mut i = 0;
        for slice in 0..slices {
            let edge = slice as f64 * width;
            while i + 1 < slices && cumulative[i] <= edge {
                i += 1;
            }
            guide.push(i);
        }
        Weighted { cumulative, guide }
    }

    /// The first index whose cumulative weight exceeds a uniform share of
    /// the total (0 when there is no weight at all).
    fn pick(&self, rng: &mut Stream) -> u32 {
        let n = self.cumulative.len();
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        if total <= 0.0 {
            return 0;
        }
        let share = rng.random::<f64>();
        let u = share * total;
        let mut i = self.guide[((share * n as f64) as usize).min(n - 1)];
        // The guide's slice edges are rounded like `u`: step back if needed.
        while i > 0 && self.cumulative[i - 1] > u {
            i -= 1;
        }
        while i + 1 < n && self.cumulative[i] <= u {
            i += 1;
        }
        i as u32
    }
}

impl State {
    /// The state at the start of step 0, before the pressure multiplier
    /// (which `run` sets from the initial caseload).
    /// `service` is the table of initial service for this run's inputs.
    /// `buffers` lends the vectors (their contents are dropped).
    pub fn initial(
        s: &Scenario,
        service: &ServiceTable,
        rng: &mut Stream,
        clocks: Clocks,
        buffers: StateBuffers,
    ) -> State {
        let StateBuffers {
            mut workers,
            mut agency,
            payments,
            mut pipeline,
            mut open,
            mut leavers_by_month,
        } = buffers;
        workers.clear();
        agency.clear();
        pipeline.clear();
        open.clear();
        leavers_by_month.clear();
        let w = &s.workforce;
        // The three disjoint groups of MODEL.md: ASYEs (present, months into
        // their year uniform), absent, and the others; ids in that order.
        let mut in_post = |fte: f64, service: i32, asye: bool, absent: bool| {
            let id = workers.len() as u64;
            workers.push(Worker {
                id,
                fte,
                start: -service,
                asye,
                absent,
                clock: clocks.permanent.exponential(id, 0),
                absence_clock: clocks.absence_clock(id, 0),
                absence_draws: 1,
            });
        };
        for fte in heads(w.asye_fte, w.fte_per_head) {
            in_post(fte, rng.random_range(0..12), true, false);
        }
        // Services for the absent, then the others (a worker's clocks are
        // keyed, not drawn from `rng`, so each service is drawn as its
        // worker is made, in the same order).
        let absent = heads(w.absent_fte, w.fte_per_head).map(|fte| (fte, true));
        let others =
            heads((w.permanent_fte - w.asye_fte - w.absent_fte).max(0.0), w.fte_per_head).map(|fte| (fte, false));
        for (fte, absent) in absent.chain(others) {
            let service = service.draw(rng);
            in_post(fte, service as i32, false, absent);
        }
        let agency_fte = s.agency.as_ref().map_or(0.0, |a| a.fte);
        agency.extend(
            heads(agency_fte, w.fte_per_head)
                .enumerate()
                .map(|(i, fte)| AgencyWorker {
                    id: i as u64,
                    fte,
                    clock: clocks.agency.exponential(i as u64, 0),
                    conversion_clock: clocks.conversion_clock(i as u64, 0),
                    conversion_draws: 1,
                }),
        );
        open.extend(s.cases.iter().map(|c| c.open));
        leavers_by_month.reserve(s.months as usize);
        State {
            next_worker_id: workers.len() as u64,
            next_agency_id: agency.len() as u64,
            workers,
            agency,
            payments: Payments::on_record(payments),
            clocks,
            pipeline,
            open,
            pressure: 1.0,
            leavers_by_month,
            cost_cumulative: 0.0,
        }
    }

    /// The state's vectors, for the next run.
    pub fn into_buffers(self) -> StateBuffers {
        StateBuffers {
            workers: self.workers,
            agency: self.agency,
            payments: self.payments.received,
            pipeline: self.pipeline,
            open: self.open,
            leavers_by_month: self.leavers_by_month,
        }
    }

    /// A new permanent starter at step t with the next identity (starters
    /// join after step 3's leaving, so nobody leaves in the month they
    /// start).
    pub fn new_worker(&mut self, t: u32, fte: f64, asye: bool) -> Worker {
        let id = self.next_worker_id;
        self.next_worker_id += 1;
        Worker {
            id,
            fte,
            start: t as i32,
            asye,
            absent: false,
            clock: self.clocks.permanent.exponential(id, 0),
            absence_clock: self.clocks.absence_clock(id, 0),
            absence_draws: 1,
        }
    }

    /// A newly engaged agency worker with the next identity.
    pub fn new_agency_worker(&mut self, fte: f64) -> AgencyWorker {
        let id = self.next_agency_id;
        self.next_agency_id += 1;
        AgencyWorker {
            id,
            fte,
            clock: self.clocks.agency.exponential(id, 0),
            conversion_clock: self.clocks.conversion_clock(id, 0),
            conversion_draws: 1,
        }
    }

    pub fn open_total(&self) -> u64 {
        self.open.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The record skips months in which no window ends, and keeps what
        /// looking at every payment every month would keep.
        #[test]
        fn payments_leave_the_record_when_their_windows_end(
            paid in proptest::collection::vec((0u32..40, 0u32..15, 0u64..6), 0..30),
            leave_at in proptest::collection::vec(proptest::option::of(0u32..48), 6),
        ) {
            // Nobody is paid in or after the month they leave, and nobody
            // leaves twice.
            let in_post = |worker: u64, t: u32| leave_at[worker as usize].is_none_or(|l| t < l);
            let scheme = |months: u32| Payment {
                amount: 100.0,
                from: YearMonth::new(2022, 1).unwrap(),
                to: None,
                applicant_multiplier: Uncertain::fixed(1.0, ValidRange::NonNegative),
                leaving_multiplier: Uncertain::fixed(1.0, ValidRange::NonNegative),
                clawback_months: months,
                clawback: Clawback::Full,
                paid_in_month: 4,
                min_service_months: 0,
                include_asye: false,
            };
            let mut record = Payments::on_record(Vec::new());
            let mut naive: Vec<PaymentReceived> = Vec::new();
            let mut set = IdSet::default();
            for t in 0..48u32 {
                for (step, months, worker) in paid.iter().filter(|p| p.0 == t && in_post(p.2, t)) {
                    record.pay(&scheme(*months), *worker, 1.0, *step);
                    naive.push(PaymentReceived { worker: *worker, step: *step, amount: 100.0, clawback_months: *months, clawback: Clawback::Full });
                }
                let out: Vec<u64> = (0..6).filter(|&w| leave_at[w as usize] == Some(t)).collect();
                set.mark(&out, 6);
                let recovered = record.clawback(&set, t);
                set.unmark(&out);
                let expected: f64 = naive.iter().filter(|p| out.contains(&p.worker) && t - p.step < p.clawback_months).map(|p| p.amount).sum();
                proptest::prop_assert_eq!(recovered, expected);
                record.age(t + 1);
                naive.retain(|p| t + 1 - p.step < p.clawback_months);
                proptest::prop_assert_eq!(&record.received, &naive);
            }
            proptest::prop_assert!((0..6).all(|id| !set.contains(id)));
        }
    }

    #[test]
    fn heads_keep_initial_fte_exact() {
        let h: Vec<f64> = heads(101.71, 1.0).collect();
        assert_eq!(h.len(), 102);
        assert_eq!(heads(101.71, 1.0).len(), 102);
        assert!(h[..101].iter().all(|x| *x == 1.0));
        assert!((h.iter().sum::<f64>() - 101.71).abs() < 1e-9);
        assert_eq!(heads(2.4, 0.8).len(), 3);
        assert_eq!(heads(0.0, 1.0).len(), 0);
    }

    /// Draws `n` services and checks the share of each month of service
    /// against `exact` (which sums to 1) within 5 standard errors.
    fn assert_draws_follow(draw: &ServiceDraw, exact: &[f64], n: usize) {
        let mut rng = super::super::rng::stream(7, 0, super::super::rng::Process::Initial);
        let mut counts = vec![0usize; exact.len()];
        for _ in 0..n {
            counts[draw.draw(&mut rng) as usize] += 1;
        }
        for (s, (count, p)) in counts.iter().zip(exact).enumerate() {
            let seen = *count as f64 / n as f64;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            assert!((seen - p).abs() <= 5.0 * se + 1e-12, "month {s}: {seen} vs {p}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_guide_table_finds_what_a_search_finds(
            weights in proptest::collection::vec(proptest::prop_oneof![0.0..1.0f64, proptest::strategy::Just(0.0)], 1..60),
            seed in 0u64..1000,
        ) {
            let table = Weighted::new(&weights);
            let mut rng = super::super::rng::stream(seed, 0, super::super::rng::Process::Initial);
            let mut same = rng.clone();
            let total: f64 = table.cumulative.last().copied().unwrap_or(0.0);
            for _ in 0..200 {
                let picked = table.pick(&mut rng);
                let searched = if total > 0.0 {
                    let u = same.random::<f64>() * total;
                    table.cumulative.partition_point(|c| *c <= u).min(weights.len() - 1) as u32
                } else {
                    0
                };
                proptest::prop_assert_eq!(picked, searched);
                if total > 0.0 {
                    proptest::prop_assert!(weights[picked as usize] > 0.0);
                }
            }
        }
    }

    #[test]
    fn a_table_fits_the_leaving_rates_it_was_built_from_and_shares_fit_any() {
        let steady = ServiceTable::new(None, &[0.02, 0.01]);
        assert!(steady.fits(&[0.02, 0.01]));
        assert!(!steady.fits(&[0.02, 0.010000000000000002]));
        assert!(!steady.fits(&[0.02]));
        let by_shares = ServiceTable::new(Some(&[0.5, 0.5]), &[0.02]);
        assert!(by_shares.fits(&[0.3, 0.1, 0.0]));
    }

    #[test]
    fn steady_state_service_is_the_chance_of_surviving_each_month() {
        // Monthly leaving probabilities by year; the last applies beyond.
        let bands = [0.04, 0.02, 0.0, 0.015];
        let draw = ServiceDraw::new(None, &bands);
        let mut surviving = 1.0;
        let mut weights = Vec::new();
        for s in 0..12 * SERVICE_YEARS {
            weights.push(surviving);
            surviving *= 1.0 - band_rate(&bands, s / 12);
        }
        let total: f64 = weights.iter().sum();
        let exact: Vec<f64> = weights.iter().map(|w| w / total).collect();
        assert_draws_follow(&draw, &exact, 400_000);
    }

    #[test]
    fn shares_by_year_spread_evenly_over_the_months() {
        let draw = ServiceDraw::new(Some(&[0.5, 0.0, 0.25, 0.25]), &[0.1]);
        let exact: Vec<f64> = (0..48).map(|s| [0.5, 0.0, 0.25, 0.25][s / 12] / 12.0).collect();
        assert_draws_follow(&draw, &exact, 200_000);
    }
}
