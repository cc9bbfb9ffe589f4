# Prototypes vs head-only tuning on the same 5-way episodes (README "Few-shot and adversarial learning").
# Input: CSV files written by `dotnet run --project benchmarks/OnnxVideo.Benchmarks -c Release -- features MODEL DATA OUT.csv`
# (one clip a line: label, file, features as evaluate --episodes embeds them). Usage: /usr/bin/python3 fewshot_headonly.py OUT.csv...
# Head-only tuning here is the linear head on the frozen features that `onnxvideo train` runs for a head-only package
# (Gemm on cached features, softmax cross-entropy, AdamW 1e-2, weight decay 1e-2 on the weight, cosine schedule, batch 5,
# 30 epochs, the support as validation set: the first epoch at the best support accuracy is scored on the queries),
# written in PyTorch so that 100 episodes take a minute: (b) a new head N(0, 0.01), bias 0, on the raw features;
# (c) the cosine prototype head (W = 10·p̂, b = 0) on the L2-normalised features.
import numpy as np, torch, sys, math
torch.set_num_threads(1)
def load(p):
    rows=[l.split(',') for l in open(p).read().split('\n') if l]
    return np.array([[float(v) for v in r[2:]] for r in rows],np.float32), np.array([int(r[0]) for r in rows]), [r[1] for r in rows]
def norm(a): return a/np.maximum(np.linalg.norm(a,axis=-1,keepdims=True),1e-12)
def tune(Xs,ys,Xq,W0,b0,normalise,epochs=30,batch=5,lr=1e-2,wd=1e-2,seed=0):
    g=torch.Generator().manual_seed(seed)
    Xs=torch.tensor(norm(Xs) if normalise else Xs); Xq=torch.tensor(norm(Xq) if normalise else Xq); ys=torch.tensor(ys)
    W=torch.nn.Parameter(torch.tensor(W0)); b=torch.nn.Parameter(torch.tensor(b0))
    opt=torch.optim.AdamW([{'params':[W],'weight_decay':wd},{'params':[b],'weight_decay':0}],lr=lr,betas=(0.9,0.999),eps=1e-8)
    steps=epochs*math.ceil(len(ys)/batch); sched=torch.optim.lr_scheduler.LambdaLR(opt,lambda s:0.5*(1+math.cos(math.pi*min(s,steps)/steps)))
    best=(-1,None)
    for e in range(epochs):
        perm=torch.randperm(len(ys),generator=g)
        for i in range(0,len(ys),batch):
            idx=perm[i:i+batch]; loss=torch.nn.functional.cross_entropy(Xs[idx]@W.T+b,ys[idx])
            opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        with torch.no_grad():
            sa=((Xs@W.T+b).argmax(1)==ys).float().mean().item()
            if sa>best[0]: best=(sa,(Xq@W.T+b).argmax(1).numpy())
    return best[1]
def run(path,shots,E=100,ways=5,q=15,seed=0):
    X,lab,_=load(path); rng=np.random.default_rng(seed); C=lab.max()+1
    byc=[np.where(lab==c)[0] for c in range(C)]; F=X.shape[1]
    acc={'proto':[],'head_random':[],'head_proto':[]}
    for e in range(E):
        cls=rng.permutation(C)[:ways]; S=[];SL=[];Q=[];QL=[]
        for w,c in enumerate(cls):
            idx=rng.permutation(byc[c]); S+=list(idx[:shots]); SL+=[w]*shots; Q+=list(idx[shots:shots+q]); QL+=[w]*q
        S=np.array(S);SL=np.array(SL);Q=np.array(Q);QL=np.array(QL)
        P=norm(np.stack([norm(X[S[SL==w]]).mean(0) for w in range(ways)]))
        acc['proto'].append(((norm(X[Q])@P.T).argmax(1)==QL).mean())
        W0=(np.random.default_rng(1000+e).normal(0,0.01,(ways,F))).astype(np.float32)
        acc['head_random'].append((tune(X[S],SL,X[Q],W0,np.zeros(ways,np.float32),False,seed=e)==QL).mean())
        acc['head_proto'].append((tune(X[S],SL,X[Q],(10*P).astype(np.float32),np.zeros(ways,np.float32),True,seed=e)==QL).mean())
    for k,v in acc.items():
        v=np.array(v); print(f"{path} {shots}-shot {k}: {100*v.mean():.1f} % ± {100*1.96*v.std(ddof=1)/np.sqrt(len(v)):.1f} %")
    for k in ('head_random','head_proto'):
        d=np.array(acc[k])-np.array(acc['proto']); print(f"{path} {shots}-shot {k} - proto (paired): {100*d.mean():+.1f} ± {100*1.96*d.std(ddof=1)/np.sqrt(len(d)):.1f} points")
for p in sys.argv[1:]:
    for s in (1,5): run(p,s)
