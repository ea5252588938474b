// The management figures (filled in by a later part).
import { startScreen } from "./office.js";

startScreen("figures", async () => {});
