import { SANDBOX_LOCATIONS } from '../locations';

/**
 * Which sandbox locations are "not active" right now (a suspended sub-account upstream).
 * While a location is inactive, refresh grants and location-token mints for it answer
 * 400 `Location is not active` and spend nothing. Part of the simulated data: the control
 * plane's reset makes every location active again.
 */
export class LocationStatus {
  private readonly inactive = new Set<string>();

  isKnown(locationId: string): boolean {
    return SANDBOX_LOCATIONS.some((location) => location.id === locationId);
  }

  isActive(locationId: string): boolean {
    return !this.inactive.has(locationId);
  }

  setActive(locationId: string, active: boolean): void {
    if (!this.isKnown(locationId)) throw new Error(`no sandbox location ${locationId}`);
    if (active) this.inactive.delete(locationId);
    else this.inactive.add(locationId);
  }

  reset(): void {
    this.inactive.clear();
  }
}
