---- MODULE Toy ----
\* A counter and a record, small enough for TlcRunnerTest to run TLC on in about a second.
EXTENDS Naturals, TLC
CONSTANT Limit
VARIABLES x, y
Inc == x < Limit /\ x' = x + 1 /\ UNCHANGED y
Bump(d) == y.a < 3 /\ y' = [y EXCEPT !.a = @ + d] /\ UNCHANGED x
Reset == x = Limit /\ x' = 0 /\ UNCHANGED y
Init == x = 0 /\ y = [a |-> 0, b |-> "z"]
Next == Inc \/ Reset \/ \E d \in {1, 2} : Bump(d)
TypeOK == x \in 0..Limit
SmallX == x < 3
Monotonic == [][x' >= x]_x
Hello == PrintT(<<"hello", x>>)
====
