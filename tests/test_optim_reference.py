# Records the reference values of tests/test_optim_more.cpp from PyTorch 1.13 (torch.optim),
# in float64. Run: /usr/bin/python3 tests/test_optim_reference.py > values.txt, and paste.
# Every optimizer sees the gradient g = p³ − c (set directly, so the test checks the update
# rules and not autograd), c = [0.5, −1, 2], from p = [1, −2, 0.5].
import math
import torch

torch.set_default_dtype(torch.float64)
C = torch.tensor([0.5, -1.0, 2.0])


def fmt(v):
    return "{" + ", ".join(repr(float(x)) for x in v) + "}"


def traj(name, make, steps=5):
    p = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
    opt = make([p])
    out = []
    for _ in range(steps):
        with torch.no_grad():
            p.grad = p * p * p - C
        opt.step()
        out.append(p.detach().clone())
    print(f"// {name}")
    print("{" + ", ".join(fmt(x) for x in out) + "},")


O = torch.optim
traj("RMSprop defaults", lambda ps: O.RMSprop(ps))
traj("RMSprop centered momentum wd", lambda ps: O.RMSprop(ps, lr=0.05, alpha=0.9, eps=1e-6, weight_decay=0.1, momentum=0.8, centered=True))
traj("Adagrad defaults", lambda ps: O.Adagrad(ps))
traj("Adagrad lr_decay wd init", lambda ps: O.Adagrad(ps, lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.3, eps=1e-8))
traj("Adadelta defaults", lambda ps: O.Adadelta(ps))
traj("Adadelta rho wd", lambda ps: O.Adadelta(ps, lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1))
traj("Adamax defaults", lambda ps: O.Adamax(ps))
traj("Adamax wd", lambda ps: O.Adamax(ps, lr=0.05, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1))
traj("NAdam defaults", lambda ps: O.NAdam(ps))
traj("NAdam wd momentum_decay", lambda ps: O.NAdam(ps, lr=0.05, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1, momentum_decay=0.01))
traj("RAdam defaults (7 steps: rectified from step 6)", lambda ps: O.RAdam(ps), steps=7)
traj("RAdam wd", lambda ps: O.RAdam(ps, lr=0.05, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1), steps=7)
traj("Adam amsgrad wd", lambda ps: O.Adam(ps, lr=0.05, betas=(0.8, 0.9), weight_decay=0.1, amsgrad=True))
traj("AdamW", lambda ps: O.AdamW(ps, lr=0.05, weight_decay=0.1))
traj("SGD nesterov wd", lambda ps: O.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1))


# Parameter groups: weights [2] and a bias [1] in different groups.
def groups(name, make):
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    b = torch.tensor([0.5], requires_grad=True)
    opt = make(w, b)
    out = []
    for _ in range(4):
        with torch.no_grad():
            w.grad = w * w * w - C[:2]
            b.grad = b * b * b - C[2:]
        opt.step()
        out.append(torch.cat([w.detach(), b.detach()]))
    print(f"// groups {name}")
    print("{" + ", ".join(fmt(x) for x in out) + "},")


groups("SGD", lambda w, b: O.SGD([{"params": [w], "weight_decay": 0.1}, {"params": [b], "lr": 0.01}], lr=0.05, momentum=0.9))
groups("AdamW", lambda w, b: O.AdamW([{"params": [w], "weight_decay": 0.5}, {"params": [b], "weight_decay": 0.0, "lr": 0.2}], lr=0.05))
groups("RMSprop", lambda w, b: O.RMSprop([{"params": [w], "centered": True}, {"params": [b], "momentum": 0.5, "lr": 0.02}], lr=0.01))


# Schedules: two groups (lr 0.1 and 0.02), 12 steps, each group's lr after construction
# and after each step.
def sched(name, make, steps=12, opt_make=None, metrics=None, moment=None):
    a = torch.zeros(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    opt = (opt_make or (lambda g: O.SGD(g, lr=0.1, momentum=0.9)))([{"params": [a]}, {"params": [b], "lr": 0.02}])
    s = make(opt)
    lrs = [[g["lr"] for g in opt.param_groups]]
    moms = []
    if moment:
        moms.append([moment(g) for g in opt.param_groups])
    for k in range(steps):
        opt.step()
        if metrics is not None:
            s.step(metrics[k])
        else:
            s.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        if moment:
            moms.append([moment(g) for g in opt.param_groups])
    print(f"// schedule {name}")
    print("{" + ", ".join(fmt(x) for x in lrs) + "},")
    if moment:
        print("// momentum")
        print("{" + ", ".join(fmt(x) for x in moms) + "},")


import warnings
warnings.filterwarnings("ignore")
S = O.lr_scheduler
sched("LinearLR", lambda o: S.LinearLR(o, start_factor=0.25, end_factor=0.9, total_iters=6))
sched("ExponentialLR", lambda o: S.ExponentialLR(o, gamma=0.8))
sched("MultiStepLR", lambda o: S.MultiStepLR(o, milestones=[7, 3, 3, 10], gamma=0.5))
sched("LambdaLR", lambda o: S.LambdaLR(o, [lambda e: 1.0 / (1 + e), lambda e: 0.9 ** e]))
sched("StepLR", lambda o: S.StepLR(o, step_size=4, gamma=0.3))
sched("CosineAnnealingLR", lambda o: S.CosineAnnealingLR(o, T_max=8, eta_min=0.001))


def seq(o):
    w = S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=4)
    c = S.CosineAnnealingLR(o, T_max=6, eta_min=0.0)
    return S.SequentialLR(o, [w, c], milestones=[4])


sched("SequentialLR warmup+cosine", seq)


def seq3(o):
    a = S.ConstantLR(o, factor=1.0, total_iters=1) if False else S.ExponentialLR(o, gamma=0.5)
    b = S.StepLR(o, step_size=2, gamma=0.1)
    c = S.LinearLR(o, start_factor=0.5, total_iters=3)
    return S.SequentialLR(o, [a, b, c], milestones=[3, 7])


sched("SequentialLR three", seq3)
sched("OneCycleLR cos SGD", lambda o: S.OneCycleLR(o, max_lr=[0.5, 0.1], total_steps=12), steps=11, moment=lambda g: g["momentum"])
sched("OneCycleLR linear three_phase Adam", lambda o: S.OneCycleLR(o, max_lr=0.3, total_steps=13, pct_start=0.25, anneal_strategy="linear", three_phase=True, div_factor=10.0, final_div_factor=100.0, base_momentum=0.8, max_momentum=0.9),
      opt_make=lambda g: O.Adam(g, lr=0.1), steps=12, moment=lambda g: g["betas"][0])
metric = [1.0, 0.9, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85, 0.85, 0.7, 0.7, 0.7, 0.7, 0.7]
print("// metrics " + fmt(metric))
sched("ReduceLROnPlateau min rel", lambda o: S.ReduceLROnPlateau(o, patience=1, factor=0.5, cooldown=1, min_lr=[0.02, 0.006]), steps=16, metrics=metric)
sched("ReduceLROnPlateau max abs", lambda o: S.ReduceLROnPlateau(o, mode="max", threshold_mode="abs", threshold=0.06, patience=2, factor=0.3), steps=16, metrics=[-m for m in metric])


# LBFGS on the Rosenbrock function from (−1.5, 2).
def rosen(name, steps, **kw):
    x = torch.tensor([-1.5, 2.0], requires_grad=True)
    opt = O.LBFGS([x], **kw)

    def closure():
        opt.zero_grad()
        loss = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
        loss.backward()
        return loss

    out, losses = [], []
    for _ in range(steps):
        losses.append(float(opt.step(closure)))
        out.append(x.detach().clone())
    print(f"// LBFGS {name}: x after each step, then the losses step returned")
    print("{" + ", ".join(fmt(v) for v in out) + "},")
    print(fmt(losses) + ",")


rosen("default", 3)
rosen("strong_wolfe", 3, line_search_fn="strong_wolfe")
rosen("history 3 max_iter 7 lr 0.5", 3, history_size=3, max_iter=7, lr=0.5)


# Clipping: gradients [3, −4, 1] and [[2, −0.5], [0, 6]].
def clip(norm_type, max_norm):
    a = torch.zeros(3, requires_grad=True)
    b = torch.zeros(2, 2, requires_grad=True)
    a.grad = torch.tensor([3.0, -4.0, 1.0])
    b.grad = torch.tensor([[2.0, -0.5], [0.0, 6.0]])
    total = torch.nn.utils.clip_grad_norm_([a, b], max_norm, norm_type=norm_type)
    print(f"// clip_grad_norm_ p={norm_type} max_norm={max_norm}: total, then the gradients")
    print("{" + repr(float(total)) + ", " + fmt(torch.cat([a.grad, b.grad.flatten()])) + "},")


clip(2.0, 5.0)
clip(1.0, 5.0)
clip(3.0, 2.0)
clip(float("inf"), 3.0)
clip(0.5, 100.0)
clip(2.0, 100.0)
a = torch.zeros(3, requires_grad=True)
a.grad = torch.tensor([3.0, -4.0, 1.0])
torch.nn.utils.clip_grad_value_([a], 2.5)
print("// clip_grad_value_ 2.5")
print(fmt(a.grad))
