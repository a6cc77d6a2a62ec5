package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/loaphuong/loaphuong/store"
)

// everything is what the officials table says for an admin's area.
const everything = "everything (tất cả)"

// officials runs "officials grant", "officials revoke" and "officials list".
func (m *Main) officials(ctx context.Context, args []string) error {
	const want = "want \"officials grant --user ID [--area CODE] [--name NAME]\", \"officials revoke --user ID [--area CODE]\" or \"officials list\""
	if len(args) == 0 {
		return usagef("officials: %s", want)
	}
	switch args[0] {
	case "grant":
		return m.officialsGrant(ctx, args[1:])
	case "revoke":
		return m.officialsRevoke(ctx, args[1:])
	case "list":
		return m.officialsList(ctx, args[1:])
	default:
		return usagef("officials: unknown command %q: %s", args[0], want)
	}
}

// roleFlags are the flags grant and revoke share, once parsed.
type roleFlags struct {
	db   *store.DB
	path string
	user int64
	area *store.Area // nil: the admin role, on everything
}

// what says which role it is, for messages and the audit log.
func (r *roleFlags) what() string {
	if r.area == nil {
		return "admin of everything"
	}
	return fmt.Sprintf("official of %s (%s)", r.area.Code, r.area.Name)
}

func (r *roleFlags) areaID() int64 {
	if r.area == nil {
		return 0
	}
	return r.area.ID
}

// parseRole parses the flags of grant or revoke, opens the database and
// looks the area up. The caller closes r.db.
func (m *Main) parseRole(ctx context.Context, cmd, summary string, args []string, name *string) (*roleFlags, error) {
	fs := m.flagSet("officials "+cmd+" --user ID [--area CODE]", summary)
	dbPath := m.dbFlag(fs)
	user := fs.String("user", "", "the official's Telegram user id (a number; @userinfobot tells it)")
	code := fs.String("area", "", "code of the area (see \"loaphuong areas list\"); without it, the admin role on everything")
	if name != nil {
		fs.StringVar(name, "name", "", "the official's name, for lists")
	}
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usagef("officials %s: unexpected argument %q", cmd, fs.Arg(0))
	}
	if *user == "" {
		return nil, usagef("officials %s: --user ID is required", cmd)
	}
	id, err := parseUserID(*user)
	if err != nil {
		return nil, usagef("officials %s: --user: %v", cmd, err)
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", *dbPath, err)
	}
	r := &roleFlags{db: db, path: *dbPath, user: id}
	if c := strings.TrimSpace(*code); c != "" {
		r.area, err = db.AreaByCode(ctx, c)
		if err != nil {
			db.Close()
			if store.ErrorCode(err) == store.ENOTFOUND {
				return nil, usagef("officials %s: no area with code %q; see \"loaphuong areas list\"", cmd, c)
			}
			return nil, err
		}
	}
	return r, nil
}

func (m *Main) officialsGrant(ctx context.Context, args []string) error {
	var name string
	r, err := m.parseRole(ctx, "grant",
		"Makes a Telegram user an official of an area and of every area below it, or with no\n"+
			"--area an admin of everything. Granting again only updates the name.", args, &name)
	if err != nil {
		return err
	}
	defer r.db.Close()
	name = strings.TrimSpace(name)
	if err := r.db.GrantRole(ctx, store.Role{UserID: r.user, AreaID: r.areaID(), Name: name}); err != nil {
		if c := store.ErrorCode(err); c == store.EINVALID || c == store.ENOTFOUND {
			return usagef("officials grant: %s", store.ErrorMessage(err))
		}
		return err
	}
	who := fmt.Sprintf("user %d", r.user)
	if name != "" {
		who += fmt.Sprintf(" (%s)", name)
	}
	if err := r.db.Audit(ctx, store.AuditEntry{Action: "grant", AreaID: r.areaID(), Detail: who + ": " + r.what() + ", by cli"}); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s is now an %s\n", who, r.what())
	return nil
}

func (m *Main) officialsRevoke(ctx context.Context, args []string) error {
	r, err := m.parseRole(ctx, "revoke",
		"Takes a role away: the official role on --area, or with no --area the admin role.\n"+
			"Roles on other areas stay.", args, nil)
	if err != nil {
		return err
	}
	defer r.db.Close()
	if err := r.db.RevokeRole(ctx, r.user, r.areaID()); err != nil {
		if store.ErrorCode(err) == store.ENOTFOUND {
			return usagef("officials revoke: user %d is not an %s; see \"loaphuong officials list\"", r.user, r.what())
		}
		return err
	}
	if err := r.db.Audit(ctx, store.AuditEntry{Action: "revoke", AreaID: r.areaID(),
		Detail: fmt.Sprintf("user %d: %s, by cli", r.user, r.what())}); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "user %d is no longer an %s\n", r.user, r.what())
	return nil
}

func (m *Main) officialsList(ctx context.Context, args []string) error {
	fs := m.flagSet("officials list [--db FILE]",
		"Lists the officials and their areas, and the admins of LOAPHUONG_ADMINS.")
	dbPath := m.dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("officials list: unexpected argument %q", fs.Arg(0))
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", *dbPath, err)
	}
	defer db.Close()
	roles, err := db.Roles(ctx, 0)
	if err != nil {
		return err
	}
	configured, err := parseAdmins(m.env("LOAPHUONG_ADMINS", ""))
	if err != nil {
		fmt.Fprintf(m.Stderr, "LOAPHUONG_ADMINS ignored: %v\n", err)
		configured = nil
	}
	if len(roles) == 0 && len(configured) == 0 {
		fmt.Fprintln(m.Stdout, "no officials yet: grant a role with \"loaphuong officials grant --user ID [--area CODE]\"")
		return nil
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "USER\tNAME\tAREA\tAREA NAME\tGRANTED BY\tSINCE")
	for _, id := range configured {
		fmt.Fprintf(tw, "%d\t-\t*\t%s\tLOAPHUONG_ADMINS\t-\n", id, everything)
	}
	for _, r := range roles {
		name, code, areaName, by := r.Name, r.AreaCode, r.AreaName, "cli"
		if name == "" {
			name = "-"
		}
		if r.Admin() {
			code, areaName = "*", everything
		}
		if r.GrantedBy != 0 {
			by = fmt.Sprintf("user %d", r.GrantedBy)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", r.UserID, name, code, areaName, by, r.CreatedAt.In(vietnam).Format("2006-01-02"))
	}
	return tw.Flush()
}

// parseUserID reads a Telegram user id: a positive number.
func parseUserID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%q is not a Telegram user id (a positive number)", s)
	}
	return id, nil
}

// parseAdmins reads a comma-separated list of Telegram user ids, as
// --admins and LOAPHUONG_ADMINS give them; blanks around ids are allowed.
func parseAdmins(s string) ([]int64, error) {
	var ids []int64
	for part := range strings.SplitSeq(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		id, err := parseUserID(part)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}
