// The administrator's users page: every person with the roles they hold; one person may hold
// several (a department lead who also takes hotline calls). Saving a change of roles ends that
// person's sign-ins, so the new set applies at once (the API's rule).
import { actionForm, api, ctx, fill, h, startScreen, table, word } from "./office.js";

const ROLE_ORDER = ["hotline_agent", "dispatcher", "technician", "department_lead", "general_manager", "admin"];
let main;

startScreen("users", async (node) => {
  main = node;
  await render();
});

async function render(message = "") {
  const users = await api("/api/admin/users");
  const rows = users.map((u) => h("tr", { "data-username": u.username },
    h("td", {}, u.display_name, h("br"), h("span", { class: "muted verbatim" }, u.username)),
    h("td", {}, u.active ? "在职" : h("span", { class: "muted" }, "已停用")),
    h("td", {}, rolesForm(u))));
  fill(main, h("section", { class: "card", id: "users" },
    h("h3", {}, "用户与角色"),
    h("p", { class: "muted" }, "一人可兼任多个角色(如部门领导兼热线坐席),导航显示其所有角色的页面。保存后该用户需重新登录。"),
    message ? h("p", { class: "saved", role: "status" }, message) : null,
    table(["姓名", "状态", "角色"], rows, { id: "user-table" })));
}

function rolesForm(user) {
  const form = actionForm({
    id: `roles-${user.id}`,
    submit: "保存角色",
    fields: ROLE_ORDER.map((role) => ({ name: role, label: word("roles", role), type: "checkbox" })),
    onSubmit: async (values) => {
      const roles = ROLE_ORDER.filter((role) => values[role]);
      await api(`/api/admin/users/${user.id}`, { method: "PATCH", body: { roles } });
      await render(`已保存 ${user.display_name} 的角色`);
    },
  });
  form.classList.add("roles-form");
  for (const role of user.roles) form.elements[role].checked = true;
  if (user.id === ctx.user.id) form.elements.admin.disabled = true; // no locking oneself out
  return form;
}
