/** Breadcrumb items a page adds below its feature's own (e.g. a unit's name on its detail page). */
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';

export interface Crumb {
  title: string;
  path?: string;
}

const CrumbsContext = createContext<{ crumbs: Crumb[]; set(c: Crumb[]): void }>({
  crumbs: [],
  set: () => {},
});

/** Holds the page's extra breadcrumb items. */
export function CrumbsProvider({ children }: { children: ReactNode }) {
  const [crumbs, set] = useState<Crumb[]>([]);
  return <CrumbsContext.Provider value={{ crumbs, set }}>{children}</CrumbsContext.Provider>;
}

/** Sets the page's breadcrumb items while it is shown. */
export function useCrumbs(crumbs: Crumb[]): void {
  const { set } = useContext(CrumbsContext);
  const key = JSON.stringify(crumbs);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the serialised key is the dependency
  useEffect(() => {
    set(crumbs);
    return () => set([]);
  }, [key, set]);
}

/** The current extra items. */
export function useCurrentCrumbs(): Crumb[] {
  return useContext(CrumbsContext).crumbs;
}
