//! The window: a bar (title, demo label, language), the current screen, and the messages from
//! the card worker. It repaints only when the worker sends something or the person acts.

use std::time::SystemTime;

use eframe::egui::{self, Key, RichText, Ui, ViewportCommand};
use mynapin::i18n::Lang;

use crate::labels;
use crate::screens::{change_pin::ChangePin, check::Check, home, test_pin::TestPin, Action};
use crate::widgets::{self, Tone};
use crate::worker::{CardView, Clock, Request, Source, Update, WorkerHandle};

/// The zoom factor's key in eframe's storage.
const ZOOM_KEY: &str = "zoom";

enum Screen {
    Home,
    TestPin(TestPin),
    ChangePin(ChangePin),
    Check(Check),
}

pub struct App {
    lang: Lang,
    /// The language the window title was last set in.
    title_lang: Option<Lang>,
    worker: WorkerHandle,
    demo: bool,
    card: CardView,
    screen: Screen,
    ctx: egui::Context,
}

impl App {
    /// The window on `source`, in `lang`. Installs the font; the worker wakes `ctx`.
    pub fn new(ctx: &egui::Context, source: Source, lang: Lang) -> App {
        App::with_clock(ctx, source, lang, SystemTime::now)
    }

    /// [`App::new`], judging the auth certificate's validity (its end date and days left) at
    /// `clock()` instead of the system's time: for images that stay the same from day to day.
    pub fn with_clock(ctx: &egui::Context, source: Source, lang: Lang, clock: Clock) -> App {
        crate::fonts::install(ctx);
        let waker = ctx.clone();
        let worker = WorkerHandle::start(source, clock, move || waker.request_repaint());
        App {
            lang,
            title_lang: None,
            worker,
            demo: false,
            card: CardView::Starting,
            screen: Screen::Home,
            ctx: ctx.clone(),
        }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The card worker (tests report reader events through it).
    #[doc(hidden)]
    pub fn worker(&self) -> &WorkerHandle {
        &self.worker
    }

    /// Takes what the worker sent.
    fn receive(&mut self) {
        while let Ok(update) = self.worker.updates.try_recv() {
            match &update {
                Update::Source { demo } => self.demo = *demo,
                Update::Card(view) => self.card = view.clone(),
                _ => {}
            }
            match &mut self.screen {
                Screen::Home => {}
                Screen::TestPin(screen) => screen.update(&update),
                Screen::ChangePin(screen) => screen.update(&update),
                Screen::Check(screen) => screen.update(&update),
            }
        }
    }

    fn act(&mut self, action: Action) {
        match action {
            Action::Home => {
                // Drops the PIN buffers (zeroized) and the counter the worker holds.
                self.screen = Screen::Home;
                self.worker.send(Request::CancelEntry);
            }
            Action::TestPin(kind) => {
                let (screen, request) = TestPin::open(kind);
                self.screen = Screen::TestPin(screen);
                self.worker.send(request);
            }
            Action::ChangePin(kind) => {
                let (screen, request) = ChangePin::open(kind);
                self.screen = Screen::ChangePin(screen);
                self.worker.send(request);
            }
            Action::Check => {
                let (screen, request) = Check::open();
                self.screen = Screen::Check(screen);
                self.worker.send(request);
            }
            Action::Send(request) => self.worker.send(request),
        }
    }

    /// One frame of the whole window.
    pub fn show(&mut self, ui: &mut Ui) {
        self.receive();
        if self.title_lang != Some(self.lang) {
            self.title_lang = Some(self.lang);
            ui.ctx().send_viewport_cmd(ViewportCommand::Title(
                labels::window_title(self.lang).into(),
            ));
        }
        let mut action = None;
        if !matches!(self.screen, Screen::Home) && ui.input(|input| input.key_pressed(Key::Escape))
        {
            action = Some(Action::Home);
        }
        egui::Panel::top("bar").show(ui, |ui| self.bar(ui));
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    let lang = self.lang;
                    let shown = match &mut self.screen {
                        Screen::Home => home::ui(ui, &self.card, lang),
                        Screen::TestPin(screen) => screen.ui(ui, lang),
                        Screen::ChangePin(screen) => screen.ui(ui, lang),
                        Screen::Check(screen) => screen.ui(ui, lang),
                    };
                    if shown.is_some() {
                        action = shown;
                    }
                });
        });
        if let Some(action) = action {
            self.act(action);
            ui.ctx().request_repaint();
        }
    }

    fn bar(&mut self, ui: &mut Ui) {
        ui.add_space(4.0);
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("mynapin").size(22.0).strong());
            ui.add_space(12.0);
            ui.label(labels::language(self.lang));
            for (lang, name) in [(Lang::Ja, "日本語"), (Lang::En, "English")] {
                if ui
                    .selectable_label(self.lang == lang, RichText::new(name).size(16.0))
                    .clicked()
                {
                    self.lang = lang;
                }
            }
            ui.add_space(12.0);
            ui.label(RichText::new(labels::zoom_hint(self.lang)).size(13.0));
        });
        if self.demo {
            let lang = self.lang;
            egui::Frame::new()
                .fill(ui.visuals().warn_fg_color.gamma_multiply(0.15))
                .inner_margin(6.0)
                .show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    widgets::message(ui, Tone::Info, labels::demo_badge(lang));
                    if let CardView::Ready(info) = &self.card {
                        if let Some(pins) = &info.demo_pins {
                            let list: Vec<String> = pins
                                .iter()
                                .map(|(kind, value)| format!("{} {value}", kind.title(lang)))
                                .collect();
                            ui.label(
                                RichText::new(format!(
                                    "{} {}",
                                    labels::demo_pins(lang),
                                    list.join(lang.pick(", ", "、"))
                                ))
                                .size(15.0),
                            );
                        }
                    }
                });
        }
        ui.add_space(4.0);
    }

    /// The zoom factor saved by an earlier run.
    pub fn restore_zoom(&self, storage: Option<&dyn eframe::Storage>) {
        let zoom = storage
            .and_then(|storage| storage.get_string(ZOOM_KEY))
            .and_then(|zoom| zoom.parse::<f32>().ok())
            .filter(|zoom| (0.5..=3.0).contains(zoom));
        if let Some(zoom) = zoom {
            self.ctx.set_zoom_factor(zoom);
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        storage.set_string(ZOOM_KEY, self.ctx.zoom_factor().to_string());
    }

    /// Only the zoom is kept (no window contents, nothing typed).
    fn persist_egui_memory(&self) -> bool {
        false
    }
}
