// The office's start page: the screens of every role the person holds.
import { fill, h, startScreen } from "./office.js";

startScreen("home", async (main, _user, me) => {
  fill(main.querySelector("#home-links"), me.screens.map((s) => h("li", {}, h("a", { href: s.href }, s.title))));
});
