package io.morgana.testing;

/** Creates a namespace and never closes it: exits when told (a line on stdin), or waits to be killed. For {@link NetnsTest}. */
public final class NetnsLeaker {
    public static void main(String[] args) throws Exception {
        Netns ns = Netns.create(args[0]);
        ns.addTap("t4tap-leak", "10.4.97.1/24");
        System.out.println("created " + ns.name());
        if (args.length > 1 && args[1].equals("wait")) Thread.sleep(600_000);
        // "exit": only once the test has seen the namespace (a line on stdin), else the shutdown
        // hook may delete it before the test looks, on a loaded machine.
        System.in.read();
        System.exit(0);
    }
}
