//! Starting a count (supervisors and admins): the location picker (the locations may still be
//! on their way: keys from an Enter on are held until they arrive), then whether what is
//! inside it is counted too (asked only when something is), then one category or all.

use super::*;

impl CountsPane {
    pub(super) fn new_count(&mut self, shell: &mut Shell) {
        if !shell.check(Permission::ManageCounts) {
            return;
        }
        let items = pick::location_items(&self.locations, None, None);
        self.start = Some(Start {
            step: StartStep::Location,
            location: String::new(),
            with_children: false,
            picker: Picker::new(shell.t(Msg::PickCountAt).into(), items),
            loading: !self.lookups_loaded,
            held: Vec::new(),
        });
        if !self.lookups_loaded && !shell.busy(PANE, "lookups") {
            shell.send("lookups", event::Call::Counts(Call::Lookups));
        }
    }

    /// The locations arrived while the start picker waited: it fills (keeping what was typed)
    /// and the held keys are replayed.
    pub(super) fn start_loaded(&mut self, shell: &mut Shell) {
        let Some(st) = self.start.as_mut().filter(|s| s.loading) else {
            return;
        };
        st.loading = false;
        let typed = st.picker.filter.value().to_string();
        let items = pick::location_items(&self.locations, None, None);
        st.picker = Picker::new(shell.t(Msg::PickCountAt).into(), items);
        for c in typed.chars() {
            st.picker
                .on_action(Action::Input(tui_input::InputRequest::InsertChar(c)));
        }
        for a in std::mem::take(&mut st.held) {
            self.on_start(shell, a);
        }
    }

    pub(super) fn on_start(&mut self, shell: &mut Shell, a: Action) {
        let Some(st) = &mut self.start else { return };
        if st.loading && (a == Action::Submit || !st.held.is_empty()) {
            st.held.push(a);
            return;
        }
        let item = match st.picker.on_action(a) {
            Picked::Chosen(item) => item,
            Picked::Cancelled => {
                self.start = None;
                return;
            }
            Picked::None => return,
        };
        match st.step {
            StartStep::Location => {
                if item.value.is_empty() {
                    return;
                }
                st.location = item.value;
                let has_children = self.locations.iter().any(|l| {
                    l.active != 0
                        && self
                            .locations
                            .iter()
                            .any(|p| p.code == st.location && l.parent_id.as_deref() == Some(&p.id))
                });
                if has_children {
                    let items = vec![
                        Item {
                            value: "yes".into(),
                            label: shell.tf(Msg::WithChildrenYes, &[&st.location]),
                        },
                        Item {
                            value: "no".into(),
                            label: shell.tf(Msg::WithChildrenNo, &[&st.location]),
                        },
                    ];
                    st.step = StartStep::Children;
                    st.picker =
                        Picker::new(shell.tf(Msg::PickWithChildren, &[&st.location]), items);
                } else {
                    Self::ask_category(st, shell, &self.categories);
                }
            }
            StartStep::Children => {
                st.with_children = item.value == "yes";
                Self::ask_category(st, shell, &self.categories);
            }
            StartStep::Category => {
                let category = Some(item.value).filter(|v| !v.is_empty());
                shell.send(
                    "start",
                    event::Call::Counts(Call::Start(CountStart {
                        location: st.location.clone(),
                        with_children: st.with_children,
                        category,
                    })),
                );
                self.starting = true;
                self.start = None;
            }
        }
    }

    fn ask_category(st: &mut Start, shell: &Shell, categories: &[Category]) {
        let mut items = vec![Item {
            value: String::new(),
            label: shell.t(Msg::AllCategories).into(),
        }];
        items.extend(categories.iter().map(|c| Item {
            value: c.name.clone(),
            label: c.name.clone(),
        }));
        st.step = StartStep::Category;
        st.picker = Picker::new(shell.t(Msg::PickCountCategory).into(), items);
    }
}
