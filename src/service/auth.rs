//! Users and login: argon2id hashes (PHC strings, rehashed when the configured parameters
//! rise), hashing off the async threads with a bound on how many run at once, per-account
//! failure counting with an exponential delay and a hard lock, and one message for every kind
//! of login failure.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::Serialize;

use super::{Actor, Services, audit, conflict};
use crate::db::Route;
use crate::db::master::{self, User};
use crate::domain::role::Permission;
use crate::domain::{Role, ids::now_micros, new_id, text};
use crate::error::{Error, Result};

/// The one message for an unknown email, a wrong password, a locked or a disabled account.
pub const LOGIN_FAILED: &str =
    "Login failed: wrong email or password, or the account is locked or disabled.";

/// A user as shown to admins (never the hash).
#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub active: bool,
    pub locked: bool,
    pub failed_logins: i64,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id.clone(),
            email: u.email.clone(),
            name: u.name.clone(),
            role: u.role.clone(),
            active: u.active != 0,
            locked: u.locked != 0,
            failed_logins: u.failed_logins,
        }
    }
}

fn actor_of(u: &User) -> Result<Actor> {
    Ok(Actor {
        id: u.id.clone(),
        email: u.email.clone(),
        name: u.name.clone(),
        role: u.role.parse::<Role>()?,
    })
}

/// A password rule simple enough to explain: at least 10 characters, not all the same.
pub fn check_password_rules(pw: &str) -> Result<()> {
    if pw.chars().count() < 10 {
        return Err(Error::Invalid(
            "password must be at least 10 characters long".into(),
        ));
    }
    if pw.chars().count() > 1024 {
        return Err(Error::Invalid(
            "password is longer than 1024 characters".into(),
        ));
    }
    let first = pw.chars().next();
    if pw.chars().all(|c| Some(c) == first) {
        return Err(Error::Invalid(
            "password must not be one character repeated".into(),
        ));
    }
    Ok(())
}

impl Services {
    fn argon2(&self) -> Result<Argon2<'static>> {
        let s = &self.config.security;
        let params = Params::new(
            s.argon2_memory_kib,
            s.argon2_iterations,
            s.argon2_parallelism,
            None,
        )
        .map_err(|e| Error::Config(format!("security.argon2_*: {e}")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// Hashes a password on the blocking pool, at most `hash_concurrency` at a time.
    pub async fn hash_password(&self, pw: &str) -> Result<String> {
        let a = self.argon2()?;
        let pw = pw.to_string();
        let _slot = self
            .hash_slots
            .acquire()
            .await
            .map_err(|_| Error::Unavailable("hasher closed".into()))?;
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
            a.hash_password(pw.as_bytes(), &salt).map(|h| h.to_string())
        })
        .await
        .map_err(|e| Error::Unavailable(format!("password hashing failed: {e}")))?
        .map_err(|e| Error::Invalid(format!("password hashing failed: {e}")))
    }

    /// Verifies a password against a PHC string; also says whether it needs a rehash.
    async fn verify_password(&self, pw: &str, phc: &str) -> Result<(bool, bool)> {
        let sec = &self.config.security;
        let want = (
            sec.argon2_memory_kib,
            sec.argon2_iterations,
            sec.argon2_parallelism,
        );
        let pw = pw.to_string();
        let phc = phc.to_string();
        let _slot = self
            .hash_slots
            .acquire()
            .await
            .map_err(|_| Error::Unavailable("hasher closed".into()))?;
        tokio::task::spawn_blocking(move || {
            let Ok(parsed) = PasswordHash::new(&phc) else {
                return (false, false);
            };
            // Verification takes its parameters from the stored PHC string.
            let ok = Argon2::default()
                .verify_password(pw.as_bytes(), &parsed)
                .is_ok();
            let stale = match Params::try_from(&parsed) {
                Ok(p) => {
                    parsed.algorithm != argon2::ARGON2ID_IDENT
                        || p.m_cost() < want.0
                        || p.t_cost() < want.1
                        || p.p_cost() < want.2
                }
                Err(_) => true,
            };
            (ok, ok && stale)
        })
        .await
        .map_err(|e| Error::Unavailable(format!("password check failed: {e}")))
    }

    /// Whether any user exists (the first run offers to create the first admin).
    pub async fn has_users(&self) -> Result<bool> {
        let b = self.shards.master.backend();
        self.shards
            .master
            .read_on(Route::PrimaryElseReplica, move |p| {
                Box::pin(async move { master::count_users(&p, b).await })
            })
            .await
            .map(|n| n > 0)
    }

    /// Creates the first admin. Refused once any user exists.
    pub async fn create_first_admin(
        &self,
        email: &str,
        name: &str,
        password: &str,
    ) -> Result<Actor> {
        if self.has_users().await? {
            return Err(Error::Conflict(
                "an administrator already exists; log in instead".into(),
            ));
        }
        let u = self.new_user(email, name, Role::Admin, password).await?;
        let b = self.shards.master.backend();
        let u2 = u.clone();
        self.shards
            .master
            .write(move |c| {
                Box::pin(async move {
                    // Checked again inside the write batch, so two racing first runs make one admin.
                    if master::count_users(&mut *c, b).await? > 0 {
                        return Err(Error::Conflict(
                            "an administrator already exists; log in instead".into(),
                        ));
                    }
                    master::insert_user(c, b, &u2).await?;
                    master::insert_audit(
                        c,
                        b,
                        "master",
                        &audit(
                            &u2.email,
                            "user",
                            &u2.id,
                            "create",
                            None,
                            Some(&UserView::from(&u2)),
                        ),
                    )
                    .await
                })
            })
            .await?;
        actor_of(&u)
    }

    async fn new_user(&self, email: &str, name: &str, role: Role, password: &str) -> Result<User> {
        let email = text::email(email)?;
        let name = text::name(name, "name")?;
        check_password_rules(password)?;
        let hash = self.hash_password(password).await?;
        let now = now_micros();
        Ok(User {
            id: new_id(),
            email,
            name,
            password_hash: hash,
            role: role.as_str().into(),
            active: 1,
            failed_logins: 0,
            last_failed_at: None,
            locked: 0,
            created_at: now,
            updated_at: now,
        })
    }

    /// Adds a user (admins only).
    pub async fn add_user(
        &self,
        actor: &Actor,
        email: &str,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<UserView> {
        actor.require(Permission::ManageUsers)?;
        let u = self.new_user(email, name, role, password).await?;
        let b = self.shards.master.backend();
        let view = UserView::from(&u);
        let (v2, who) = (view.clone(), actor.email.clone());
        let email = u.email.clone();
        self.shards
            .master
            .write(move |c| {
                Box::pin(async move {
                    master::insert_user(c, b, &u).await?;
                    master::insert_audit(
                        c,
                        b,
                        "master",
                        &audit(&who, "user", &u.id, "create", None, Some(&v2)),
                    )
                    .await
                })
            })
            .await
            .map_err(|e| conflict(e, || format!("a user with email {email} already exists")))?;
        Ok(view)
    }

    pub async fn list_users(&self, actor: &Actor) -> Result<Vec<UserView>> {
        actor.require(Permission::ManageUsers)?;
        let b = self.shards.master.backend();
        let users = self
            .shards
            .master
            .browse(move |p| Box::pin(async move { master::list_users(&p, b).await }))
            .await?;
        Ok(users.iter().map(UserView::from).collect())
    }

    /// Finds a user by email for `--as`; the user must be active.
    /// Read from a replica while the master primary is down, so that read-only commands work.
    pub async fn actor_by_email(&self, email: &str) -> Result<Actor> {
        let u = self
            .user_by_email_on(Route::PrimaryElseReplica, email)
            .await?
            .ok_or_else(|| Error::NotFound(format!("user {}", email.trim())))?;
        if u.active == 0 {
            return Err(Error::Invalid(format!("user {} is disabled", u.email)));
        }
        actor_of(&u)
    }

    /// The first active admin (the CLI's default actor); from a replica while the master
    /// primary is down.
    pub async fn first_admin(&self) -> Result<Actor> {
        let b = self.shards.master.backend();
        let users = self
            .shards
            .master
            .read_on(Route::PrimaryElseReplica, move |p| {
                Box::pin(async move { master::list_users(&p, b).await })
            })
            .await?;
        let mut admins: Vec<&User> = users
            .iter()
            .filter(|u| u.role == "admin" && u.active != 0)
            .collect();
        admins.sort_by_key(|u| u.created_at);
        admins.first().map(|u| actor_of(u)).unwrap_or_else(|| {
            Err(Error::NotFound(
                "an active admin (run `gudang init` first)".into(),
            ))
        })
    }

    /// For a login: the primary only (its lockout counters are decided on).
    async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        self.user_by_email_on(Route::Primary, email).await
    }

    async fn user_by_email_on(&self, route: Route, email: &str) -> Result<Option<User>> {
        let b = self.shards.master.backend();
        let email = email.trim().to_lowercase();
        self.shards
            .master
            .read_on(route, move |p| {
                Box::pin(async move { master::user_by_email(&p, b, &email).await })
            })
            .await
    }

    /// The delay (ms) an account must wait after `failures` failed logins.
    fn delay_ms(&self, failures: i64) -> i64 {
        if failures <= 0 {
            return 0;
        }
        let s = &self.config.security;
        let exp = (failures - 1).min(30) as u32;
        (s.login_delay_base_ms.saturating_mul(1u64 << exp)).min(s.login_delay_max_ms) as i64
    }

    /// Logs in. Every failure answers [`LOGIN_FAILED`] after the same work (a dummy hash when the
    /// email is unknown); an attempt inside the delay after earlier failures answers how long
    /// to wait instead, for known and unknown emails alike.
    pub async fn login(&self, email: &str, password: &str) -> Result<Actor> {
        let now = now_micros();
        let key = email.trim().to_lowercase();
        let user = self.user_by_email(&key).await?;
        let (failures, last) = match &user {
            Some(u) => (u.failed_logins, u.last_failed_at.unwrap_or(0)),
            None => self
                .unknown_failures
                .lock()
                .map(|m| m.get(&key).copied().unwrap_or((0, 0)))
                .unwrap_or((0, 0)),
        };
        let wait_until = last + self.delay_ms(failures) * 1000;
        if failures > 0 && now < wait_until {
            let secs = ((wait_until - now) + 999_999) / 1_000_000;
            return Err(Error::Auth(format!(
                "Too many failed logins: wait {secs} s before trying again."
            )));
        }
        let Some(u) = user else {
            let _ = self
                .verify_password(password, &self.dummy_hash().await?)
                .await;
            if let Ok(mut m) = self.unknown_failures.lock() {
                if m.len() > 10_000 {
                    m.clear();
                }
                let e = m.entry(key).or_insert((0, 0));
                *e = (e.0 + 1, now);
            }
            return Err(Error::Auth(LOGIN_FAILED.into()));
        };
        let (ok, rehash) = self.verify_password(password, &u.password_hash).await?;
        let b = self.shards.master.backend();
        if !ok || u.active == 0 || u.locked != 0 {
            if !ok {
                let max = i64::from(self.config.security.max_failed_logins);
                let id = u.id.clone();
                self.shards
                    .master
                    .write(move |c| {
                        Box::pin(
                            async move { master::record_login_failure(c, b, &id, now, max).await },
                        )
                    })
                    .await?;
            }
            return Err(Error::Auth(LOGIN_FAILED.into()));
        }
        let new_hash = if rehash {
            Some(self.hash_password(password).await?)
        } else {
            None
        };
        if new_hash.is_some() || u.failed_logins != 0 {
            let id = u.id.clone();
            self.shards
                .master
                .write(move |c| {
                    Box::pin(async move {
                        master::record_login_success(c, b, &id, new_hash.as_deref(), now).await
                    })
                })
                .await?;
        }
        actor_of(&u)
    }

    async fn dummy_hash(&self) -> Result<String> {
        static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
        DUMMY
            .get_or_try_init(|| self.hash_password("gudang-dummy-password-never-matches"))
            .await
            .cloned()
    }

    /// Sets a user's password (admins for anyone; anyone for themselves). Also unlocks the
    /// account and clears its failures.
    pub async fn set_password(&self, actor: &Actor, email: &str, password: &str) -> Result<()> {
        let target = self
            .user_by_email(email)
            .await?
            .ok_or_else(|| Error::NotFound(format!("user {}", email.trim())))?;
        if target.id != actor.id {
            actor.require(Permission::ManageUsers)?;
        }
        check_password_rules(password)?;
        let hash = self.hash_password(password).await?;
        let mut u = target.clone();
        u.password_hash = hash;
        u.failed_logins = 0;
        u.last_failed_at = None;
        u.locked = 0;
        u.updated_at = now_micros();
        self.write_user(actor, &target, u, "password").await
    }

    /// Enables or disables a user (admins only; nobody disables themselves).
    pub async fn set_user_active(&self, actor: &Actor, email: &str, active: bool) -> Result<()> {
        actor.require(Permission::ManageUsers)?;
        let target = self
            .user_by_email(email)
            .await?
            .ok_or_else(|| Error::NotFound(format!("user {}", email.trim())))?;
        if target.id == actor.id && !active {
            return Err(Error::Invalid("you cannot disable your own account".into()));
        }
        let mut u = target.clone();
        u.active = i64::from(active);
        u.updated_at = now_micros();
        self.write_user(actor, &target, u, if active { "enable" } else { "disable" })
            .await
    }

    /// Changes a user's role (admins only; nobody demotes themselves).
    pub async fn set_user_role(&self, actor: &Actor, email: &str, role: Role) -> Result<()> {
        actor.require(Permission::ManageUsers)?;
        let target = self
            .user_by_email(email)
            .await?
            .ok_or_else(|| Error::NotFound(format!("user {}", email.trim())))?;
        if target.id == actor.id && role != Role::Admin {
            return Err(Error::Invalid(
                "you cannot remove your own admin role".into(),
            ));
        }
        let mut u = target.clone();
        u.role = role.as_str().into();
        u.updated_at = now_micros();
        self.write_user(actor, &target, u, "role").await
    }

    async fn write_user(
        &self,
        actor: &Actor,
        before: &User,
        after: User,
        action: &'static str,
    ) -> Result<()> {
        let b = self.shards.master.backend();
        let entry = audit(
            &actor.email,
            "user",
            &after.id,
            action,
            Some(&UserView::from(before)),
            Some(&UserView::from(&after)),
        );
        self.shards
            .master
            .write(move |c| {
                Box::pin(async move {
                    master::update_user(c, b, &after).await?;
                    master::insert_audit(c, b, "master", &entry).await
                })
            })
            .await
    }
}
