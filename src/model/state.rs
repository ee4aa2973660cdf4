//! The state of one run and how it starts (MODEL.md, "State of one run" and
//! "Initial state").

use super::params::*;
use super::rng::Stream;
use super::sample::RunParams;
use rand::Rng;

/// An enhanced payment a worker received, kept while it can be clawed back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PaymentReceived {
    /// The step it was paid in.
    pub step: u32,
    pub amount: f64,
    pub clawback_months: u32,
    pub clawback: Clawback,
}

/// A permanent worker (one head).
#[derive(Debug, Clone, PartialEq)]
pub struct Worker {
    /// Identity in creation order: the key of the worker's own chances.
    pub id: u64,
    pub fte: f64,
    /// Completed months of service.
    pub service: u32,
    /// Months into the ASYE year, while in it.
    pub asye_month: Option<u32>,
    pub absent: bool,
    /// Joined at step 2 of this month: cannot leave this month.
    pub started_this_month: bool,
    pub payments: Vec<PaymentReceived>,
}

impl Worker {
    pub fn new_starter(id: u64, fte: f64, asye: bool) -> Worker {
        Worker {
            id,
            fte,
            service: 0,
            asye_month: asye.then_some(0),
            absent: false,
            started_this_month: true,
            payments: Vec::new(),
        }
    }

    pub fn in_asye_year(&self) -> bool {
        self.asye_month.is_some()
    }
}

/// A covering agency worker (one head).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgencyWorker {
    /// Identity in engagement order: the key of the worker's own chances.
    pub id: u64,
    pub fte: f64,
    pub months_engaged: u32,
    pub engaged_this_month: bool,
}

/// An accepted offer: a post that is not advertised again, unfilled until
/// `start`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Offer {
    pub fte: f64,
    pub start: u32,
}

/// Everything that carries from one month to the next.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub workers: Vec<Worker>,
    /// In engagement order, so the latest engaged are at the end.
    pub agency: Vec<AgencyWorker>,
    pub next_worker_id: u64,
    pub next_agency_id: u64,
    pub pipeline: Vec<Offer>,
    pub open: Vec<u64>,
    pub pressure: f64,
    /// Permanent leavers' FTE by step, for the turnover rate.
    pub leavers_by_month: Vec<f64>,
    pub cost_cumulative: f64,
}

/// Splits FTE into heads of `per_head`, with one smaller head for any
/// remainder, so the total is exact.
pub fn heads(fte: f64, per_head: f64) -> Vec<f64> {
    let whole = (fte / per_head + 1e-9).floor().max(0.0);
    let mut out = vec![per_head; whole as usize];
    let remainder = fte - whole * per_head;
    if remainder > 1e-9 {
        out.push(remainder);
    }
    out
}

/// The monthly leaving probability for completed years of service (the
/// last band applies beyond).
pub fn band_rate(params: &RunParams, service_months: u32) -> f64 {
    let year = (service_months / 12) as usize;
    params
        .leaving_by_year
        .get(year)
        .or(params.leaving_by_year.last())
        .copied()
        .unwrap_or(0.0)
}

/// Service months drawn for people already in post.
enum ServiceDraw {
    /// Cumulative weights over completed years; the month within the year is uniform.
    ByYear(Vec<f64>),
    /// Cumulative weights over months of service, 0..=479.
    ByMonth(Vec<f64>),
}

impl ServiceDraw {
    fn new(w: &Workforce, params: &RunParams) -> ServiceDraw {
        match &w.initial_service_shares {
            Some(shares) => ServiceDraw::ByYear(cumulative(shares.iter().copied())),
            None => {
                // Steady state: P(s) proportional to the chance of surviving s months.
                let mut survival = 1.0;
                let weights = (0..480u32).map(|s| {
                    let here = survival;
                    survival *= 1.0 - band_rate(params, s);
                    here
                });
                ServiceDraw::ByMonth(cumulative(weights))
            }
        }
    }

    fn draw(&self, rng: &mut Stream) -> u32 {
        match self {
            ServiceDraw::ByYear(cum) => pick(cum, rng) * 12 + rng.random_range(0..12),
            ServiceDraw::ByMonth(cum) => pick(cum, rng),
        }
    }
}

fn cumulative(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut total = 0.0;
    weights
        .map(|w| {
            total += w;
            total
        })
        .collect()
}

/// Index drawn with probability proportional to its weight.
fn pick(cum: &[f64], rng: &mut Stream) -> u32 {
    let total = cum.last().copied().unwrap_or(0.0);
    if total <= 0.0 {
        return 0;
    }
    let u = rng.random::<f64>() * total;
    cum.partition_point(|c| *c <= u).min(cum.len() - 1) as u32
}

impl State {
    /// The state at the start of step 0, before the pressure multiplier
    /// (which `run` sets from the initial caseload).
    pub fn initial(s: &Scenario, params: &RunParams, rng: &mut Stream) -> State {
        let w = &s.workforce;
        let draw = ServiceDraw::new(w, params);
        let mut workers = Vec::new();
        for fte in heads(w.asye_fte, w.fte_per_head) {
            let month = rng.random_range(0..12);
            workers.push(Worker {
                id: workers.len() as u64,
                fte,
                service: month,
                asye_month: Some(month),
                absent: false,
                started_this_month: false,
                payments: Vec::new(),
            });
        }
        for fte in heads(w.absent_fte, w.fte_per_head) {
            workers.push(Worker {
                id: workers.len() as u64,
                fte,
                service: draw.draw(rng),
                asye_month: None,
                absent: true,
                started_this_month: false,
                payments: Vec::new(),
            });
        }
        let others = (w.permanent_fte - w.asye_fte - w.absent_fte).max(0.0);
        for fte in heads(others, w.fte_per_head) {
            workers.push(Worker {
                id: workers.len() as u64,
                fte,
                service: draw.draw(rng),
                asye_month: None,
                absent: false,
                started_this_month: false,
                payments: Vec::new(),
            });
        }
        let agency_fte = s.agency.as_ref().map_or(0.0, |a| a.fte);
        let agency: Vec<AgencyWorker> = heads(agency_fte, w.fte_per_head)
            .into_iter()
            .enumerate()
            .map(|(i, fte)| AgencyWorker {
                id: i as u64,
                fte,
                months_engaged: 0,
                engaged_this_month: false,
            })
            .collect();
        State {
            next_worker_id: workers.len() as u64,
            next_agency_id: agency.len() as u64,
            workers,
            agency,
            pipeline: Vec::new(),
            open: s.cases.iter().map(|c| c.open).collect(),
            pressure: 1.0,
            leavers_by_month: Vec::with_capacity(s.months as usize),
            cost_cumulative: 0.0,
        }
    }

    /// A new permanent starter with the next identity.
    pub fn new_worker(&mut self, fte: f64, asye: bool) -> Worker {
        self.next_worker_id += 1;
        Worker::new_starter(self.next_worker_id - 1, fte, asye)
    }

    pub fn open_total(&self) -> u64 {
        self.open.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_keep_initial_fte_exact() {
        let h = heads(101.71, 1.0);
        assert_eq!(h.len(), 102);
        assert!((h.iter().sum::<f64>() - 101.71).abs() < 1e-9);
        assert_eq!(heads(2.4, 0.8).len(), 3);
        assert!(heads(0.0, 1.0).is_empty());
    }
}
