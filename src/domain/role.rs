//! Roles and what each may do. The services ask these questions; the UI only hides what a
//! role may not use.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A user's role, ordered from least to most privileged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Clerk,
    Supervisor,
    Admin,
}

/// Something a user may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Read,
    PostMovement,
    Adjust,
    ManageCatalog,
    ManageLocations,
    ManageUsers,
    /// Scan what is found in an open count (stock opname).
    CountScan,
    /// Open, review, recount, post and cancel counts.
    ManageCounts,
    /// Read the audit trail (who changed which master or location data, and how).
    ViewAudit,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Clerk, Role::Supervisor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Clerk => "clerk",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    /// Viewers read; clerks post receipts, issues and transfers; supervisors also adjust and
    /// manage products and locations; admins also manage users.
    pub fn allows(self, p: Permission) -> bool {
        let needed = match p {
            Permission::Read => Role::Viewer,
            Permission::PostMovement | Permission::CountScan => Role::Clerk,
            Permission::Adjust
            | Permission::ManageCatalog
            | Permission::ManageLocations
            | Permission::ManageCounts
            | Permission::ViewAudit => Role::Supervisor,
            Permission::ManageUsers => Role::Admin,
        };
        self >= needed
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "viewer" => Ok(Role::Viewer),
            "clerk" => Ok(Role::Clerk),
            "supervisor" => Ok(Role::Supervisor),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "unknown role '{other}' (use one of: viewer, clerk, supervisor, admin)"
            )),
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Permission::Read => "read data",
            Permission::PostMovement => "post receipts, issues and transfers",
            Permission::Adjust => "post stock adjustments",
            Permission::ManageCatalog => "manage products, categories and units",
            Permission::ManageLocations => "manage locations",
            Permission::ManageUsers => "manage users",
            Permission::CountScan => "scan in stock counts",
            Permission::ManageCounts => "open, review, post or cancel stock counts",
            Permission::ViewAudit => "see the audit trail",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_matrix() {
        use Permission::*;
        assert!(Role::Viewer.allows(Read));
        assert!(!Role::Viewer.allows(PostMovement));
        assert!(Role::Clerk.allows(PostMovement));
        assert!(!Role::Clerk.allows(Adjust));
        assert!(!Role::Clerk.allows(ManageCatalog));
        assert!(Role::Supervisor.allows(Adjust));
        assert!(Role::Supervisor.allows(ManageLocations));
        assert!(!Role::Supervisor.allows(ManageUsers));
        assert!(Role::Admin.allows(ManageUsers));
        assert!(Role::Clerk.allows(CountScan));
        assert!(!Role::Viewer.allows(CountScan));
        assert!(!Role::Clerk.allows(ManageCounts));
        assert!(Role::Supervisor.allows(ManageCounts));
    }

    #[test]
    fn parse_roles() {
        assert_eq!("Admin".parse::<Role>().unwrap(), Role::Admin);
        assert!("boss".parse::<Role>().unwrap_err().contains("unknown role"));
    }
}
