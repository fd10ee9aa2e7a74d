package io.rpideploy.security.boundary;

import io.rpideploy.platform.boundary.ConsoleMessages;

import io.rpideploy.platform.control.DomainException;
import io.rpideploy.security.control.UserService;
import io.rpideploy.platform.entity.Role;
import io.rpideploy.security.entity.UserAccount;
import jakarta.annotation.PostConstruct;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.primefaces.PrimeFaces;

/**
 * The console's user page (admins only, see {@link AdminPagesFilter}): accounts, and create, change role,
 * enable or disable, reset password, all through {@link UserService}.
 */
@Named
@ViewScoped
public class UsersView implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String CREATE_FORM = "userForm";
    private static final String EDIT_FORM = "editForm";
    /** The services' field names and the ids of the inputs that show them. */
    private static final Map<String, String> INPUTS = Map.of("username", "username", "role", "role",
            "password", "password");

    @Inject
    UserService users;

    private List<UserAccount> list;

    private String newUsername;
    private String newRole = Role.VIEWER_NAME;
    private String newPassword;

    private String editUsername;
    private String editRole;
    private boolean editEnabled;
    private String editPassword;
    /** The version the dialog was opened on: saving over a newer one is refused (changed meanwhile). */
    private Long editVersion;

    @PostConstruct
    void load() {
        list = users.list();
    }

    public List<String> getRoles() {
        return Arrays.stream(Role.values()).map(Role::label).toList();
    }

    public void startCreate() {
        newUsername = null;
        newRole = Role.VIEWER_NAME;
        newPassword = null;
    }

    public void create() {
        if (!allowed()) {
            return;
        }
        try {
            UserAccount user = users.create(newUsername, newRole, chars(newPassword));
            done("User " + user.getUsername() + " created as " + user.getRole().label());
        } catch (DomainException refused) {
            ConsoleMessages.show(CREATE_FORM, INPUTS, refused);
        } finally {
            newPassword = null;
        }
    }

    public void startEdit(UserAccount user) {
        editUsername = user.getUsername();
        editRole = user.getRole().label();
        editEnabled = user.isEnabled();
        editPassword = null;
        editVersion = user.getVersion();
    }

    /** Role, enabled flag and a new password in one step: the service checks all of them before changing any. */
    public void saveEdit() {
        if (!allowed()) {
            return;
        }
        try {
            boolean newPasswordGiven = editPassword != null && !editPassword.isEmpty();
            UserAccount user = users.update(editUsername, editVersion, editRole, editEnabled,
                    newPasswordGiven ? editPassword.toCharArray() : null);
            done("User " + user.getUsername() + " saved" + (newPasswordGiven ? " with a new password" : ""));
        } catch (DomainException refused) {
            ConsoleMessages.show(EDIT_FORM, INPUTS, refused);
            if (refused.kind() == DomainException.Kind.PRECONDITION_FAILED) {
                startEdit(users.require(editUsername)); // the dialog shows what is stored now
                load();
            }
        } finally {
            editPassword = null;
        }
    }

    public void toggleEnabled(UserAccount user) {
        if (!allowed()) {
            return;
        }
        FacesContext faces = FacesContext.getCurrentInstance();
        try {
            UserAccount changed = users.update(user.getUsername(), user.getVersion(), null, !user.isEnabled(), null);
            faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_INFO, "User " + changed.getUsername()
                    + (changed.isEnabled() ? " enabled" : " disabled"), null));
        } catch (DomainException refused) {
            faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, refused.getMessage(), null));
        }
        load();
    }

    private void done(String text) {
        load();
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(FacesMessage.SEVERITY_INFO, text, null));
        // the table and its message are redrawn only on success: a refusal stays in the open dialog
        PrimeFaces.current().ajax().update("users");
    }

    /** The filter already keeps non-admins out; this is the second lock, on the action itself. */
    private boolean allowed() {
        FacesContext faces = FacesContext.getCurrentInstance();
        if (faces.getExternalContext().isUserInRole(Role.ADMIN_NAME)) {
            return true;
        }
        faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, "Only admins manage users", null));
        faces.validationFailed();
        return false;
    }

    private static char[] chars(String text) {
        return text == null ? null : text.toCharArray();
    }

    public String when(Instant instant) {
        return ConsoleMessages.when(instant);
    }

    public boolean isSelf(UserAccount user) {
        return user.getUsername().equals(FacesContext.getCurrentInstance().getExternalContext().getRemoteUser());
    }

    public List<UserAccount> getList() { return list; }
    public String getNewUsername() { return newUsername; }
    public void setNewUsername(String newUsername) { this.newUsername = newUsername; }
    public String getNewRole() { return newRole; }
    public void setNewRole(String newRole) { this.newRole = newRole; }
    public String getNewPassword() { return newPassword; }
    public void setNewPassword(String newPassword) { this.newPassword = newPassword; }
    public String getEditUsername() { return editUsername; }
    public String getEditRole() { return editRole; }
    public void setEditRole(String editRole) { this.editRole = editRole; }
    public boolean isEditEnabled() { return editEnabled; }
    public void setEditEnabled(boolean editEnabled) { this.editEnabled = editEnabled; }
    public String getEditPassword() { return editPassword; }
    public void setEditPassword(String editPassword) { this.editPassword = editPassword; }
}
