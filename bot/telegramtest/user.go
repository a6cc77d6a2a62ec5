package telegramtest

import (
	"strconv"
	"strings"
)

// User is a Telegram user the test acts as.
type User struct {
	ID           int64
	FirstName    string
	LastName     string
	Username     string
	LanguageCode string
}

// Chat is a chat the test acts in; Type is "private", "group", "supergroup" or "channel".
type Chat struct {
	ID    int64
	Type  string
	Title string
}

// PrivateChat is the one-to-one chat between u and the bot, which Telegram gives u's id.
func PrivateChat(u User) Chat { return Chat{ID: u.ID, Type: "private"} }

// rememberUser keeps the latest profile of a user, so that later answers that mention
// the user (getChatMember, forwards, private chats) show the same names.
func (s *Server) rememberUser(u User) {
	if u.ID == 0 {
		return
	}
	s.usersMu.Lock()
	s.users[u.ID] = u
	s.usersMu.Unlock()
}

// lookupUser is the remembered profile of id, or a stand-in with a readable name.
func (s *Server) lookupUser(id int64) User {
	s.usersMu.RLock()
	u, ok := s.users[id]
	s.usersMu.RUnlock()
	if !ok {
		u = User{ID: id, FirstName: "User " + strconv.FormatInt(id, 10)}
	}
	return u
}

// appendUser appends u as a Bot API User object.
func appendUser(b []byte, u User) []byte {
	b = append(b, `{"id":`...)
	b = appendInt(b, u.ID)
	b = append(b, `,"is_bot":false,"first_name":`...)
	b = appendString(b, u.FirstName)
	if u.LastName != "" {
		b = append(b, `,"last_name":`...)
		b = appendString(b, u.LastName)
	}
	if u.Username != "" {
		b = append(b, `,"username":`...)
		b = appendString(b, u.Username)
	}
	if u.LanguageCode != "" {
		b = append(b, `,"language_code":`...)
		b = appendString(b, u.LanguageCode)
	}
	return append(b, '}')
}

// appendUserByID appends the user with that id: the bot itself or a remembered user.
func (s *Server) appendUserByID(b []byte, id int64) []byte {
	if id == s.opts.BotID {
		return append(b, s.botShort...)
	}
	return appendUser(b, s.lookupUser(id))
}

// renderBot pre-renders the bot's User objects: the short one that appears as the sender
// of its messages and the full one getMe answers.
func (s *Server) renderBot() {
	b := append([]byte(`{"id":`), strconv.FormatInt(s.opts.BotID, 10)...)
	b = append(b, `,"is_bot":true,"first_name":`...)
	b = appendString(b, s.opts.BotName)
	b = append(b, `,"username":`...)
	b = appendString(b, s.opts.BotUsername)
	s.botShort = append(b[:len(b):len(b)], '}')
	s.botFull = append(b, `,"can_join_groups":true,"can_read_all_group_messages":false,"supports_inline_queries":false,"can_connect_to_business":false,"has_main_web_app":false}`...)
}

// chatInfo is what a chat looks like in a Chat object.
type chatInfo struct {
	typ       string
	title     string // groups, supergroups, channels
	firstName string // private chats
	lastName  string
	username  string
}

// chatTypeOf guesses a chat's type from its id the way Telegram allocates them: users
// are positive, basic groups small negatives, supergroups and channels -100….
func chatTypeOf(id int64) string {
	switch {
	case id > 0:
		return "private"
	case id <= -1000000000000:
		return "supergroup"
	default:
		return "group"
	}
}

// defaultChatInfo is what an unseen chat looks like: a remembered user's names for a
// private chat, a readable placeholder title otherwise.
func (s *Server) defaultChatInfo(id int64) chatInfo {
	typ := chatTypeOf(id)
	switch typ {
	case "private":
		u := s.lookupUser(id)
		return chatInfo{typ: typ, firstName: u.FirstName, lastName: u.LastName, username: u.Username}
	default:
		return chatInfo{typ: typ, title: placeholderTitle(typ, id)}
	}
}

// placeholderTitle names a group or channel no test described, e.g. "Supergroup -100123".
func placeholderTitle(typ string, id int64) string {
	if typ == "" {
		typ = "chat"
	}
	return strings.ToUpper(typ[:1]) + typ[1:] + " " + strconv.FormatInt(id, 10)
}

// appendChat appends a Bot API Chat object.
func appendChat(b []byte, id int64, ci *chatInfo) []byte {
	b = append(b, `{"id":`...)
	b = appendInt(b, id)
	if ci.typ == "private" {
		b = append(b, `,"first_name":`...)
		b = appendString(b, ci.firstName)
		if ci.lastName != "" {
			b = append(b, `,"last_name":`...)
			b = appendString(b, ci.lastName)
		}
	} else {
		b = append(b, `,"title":`...)
		b = appendString(b, ci.title)
	}
	if ci.username != "" {
		b = append(b, `,"username":`...)
		b = appendString(b, ci.username)
	}
	b = append(b, `,"type":`...)
	b = appendString(b, ci.typ)
	return append(b, '}')
}
