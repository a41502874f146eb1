package io.morgana.testing;

/** Creates a namespace and never closes it: exits at once, or waits to be killed. For {@link NetnsTest}. */
public final class NetnsLeaker {
    public static void main(String[] args) throws Exception {
        Netns ns = Netns.create(args[0]);
        ns.addTap("t4tap-leak", "10.4.97.1/24");
        System.out.println("created " + ns.name());
        if (args.length > 1 && args[1].equals("wait")) Thread.sleep(600_000);
        System.exit(0);
    }
}
