// The weekly bulletin page (filled in by the next part).
import { startScreen } from "./office.js";

startScreen("bulletin", async () => {});
