# Reference values for internal/stats tests, computed with SciPy 1.10.1 and
# NumPy (Debian python3-scipy): /usr/bin/python3 internal/stats/testdata/reference.py
# The Go tests embed the printed numbers; SciPy is not needed to run them.
import itertools, math
import numpy as np
from scipy import stats
from scipy.stats import rankdata

# 1. exact MWU, no ties
a=[1.1,2.3,3.5,4.2,5.9]; b=[2.0,3.1,6.5,7.0,8.8,9.3]
r=stats.mannwhitneyu(a,b,alternative='two-sided',method='exact'); print("exact_noties U1=%r p=%.15g"%(r.statistic,r.pvalue))
# 2. exact with ties by brute-force permutation of midranks
x=[1.83,0.50,1.62,2.48,1.68,1.88,1.55,3.06,1.30]; y=[0.878,0.647,0.598,2.05,1.06,1.29,1.06,3.14,1.29,1.30]
pool=x+y; rk=rankdata(pool); n1=len(x); R1=sum(rk[:n1]); mean=n1*(len(pool)+1)/2
obs=abs(R1-mean); cnt=ext=0
for comb in itertools.combinations(range(len(pool)),n1):
    s=sum(rk[i] for i in comb); cnt+=1
    if abs(s-mean)>=obs-1e-9: ext+=1
print("exact_ties U1=%r p=%.15g (perms %d)"%(R1-n1*(n1+1)/2, ext/cnt, cnt))
# 3. asymptotic with ties and continuity
X=[(i*37%101)/10.0 for i in range(70)]; Y=[((j*53+7)%97)/10.0+0.5 for j in range(70)]
X=[round(v) for v in X]; Y=[round(v) for v in Y]
r=stats.mannwhitneyu(X,Y,alternative='two-sided',method='asymptotic',use_continuity=True); print("asymp U1=%r p=%.15g"%(r.statistic,r.pvalue))
# 4. HL and Moses CI (numpy), z from scipy
d=np.sort(np.subtract.outer(np.array(b),np.array(a)).ravel()); z=stats.norm.ppf(0.975)
k=math.floor(len(a)*len(b)/2 - z*math.sqrt(len(a)*len(b)*(len(a)+len(b)+1)/12))
print("hl est=%r k=%d lo=%r hi=%r"%(float(np.median(d)),k,float(d[k]),float(d[len(d)-1-k])))
# 5. Cliff's delta
gt=sum(1 for p in a for q in b if q>p); lt=sum(1 for p in a for q in b if q<p); print("cliff=%r"%((gt-lt)/(len(a)*len(b))))
# 6. median CI n=20 alpha .05
n=20; cdf=stats.binom.cdf
best=0
for rr in range(1,(n+1)//2+1):
    cov=cdf(n-rr,n,.5)-cdf(rr-1,n,.5)
    if cov>=0.95: best=rr
    else: break
print("medianci n=20 l=%d cov=%.15g"%(best, cdf(n-best,n,.5)-cdf(best-1,n,.5)))
# 7. Fisher
for t in ([[3,97],[12,88]],[[0,50],[5,45]],[[10,10],[10,10]]):
    print("fisher",t,"%.15g"%stats.fisher_exact(t)[1])
# 8. norm ppf
for p in (0.975,0.95,0.8,0.01,1e-6): print("ppf",p,"%.15g"%stats.norm.ppf(p))
# 9. Holm and BH by hand
p=[0.01,0.04,0.03,0.005,0.5]
m=len(p); idx=sorted(range(m),key=lambda i:p[i]); holm=[0]*m; run=0
for i,j in enumerate(idx): run=max(run,min(1,(m-i)*p[j])); holm[j]=run
bh=[0]*m; run=1
for i in range(m-1,-1,-1): j=idx[i]; run=min(run,min(1,p[j]*m/(i+1))); bh[j]=run
print("holm",holm); print("bh",bh)
# 9. Trend against run order (drift): Kendall's tau-b of values vs order,
# asymptotic p with the tie-corrected variance and no continuity correction.
for v in ([3.1,2.9,3.3,3.0,3.4,3.2,3.6,3.5,3.8,3.7],[5,5,6,5,7,6,7,7,8,8,9,8],[1.0,1.2,0.9,1.1,1.0,0.95,1.05,1.02]):
    r=stats.kendalltau(list(range(len(v))),v,method='asymptotic'); print("trend",v,"tau=%.15g p=%.15g"%(r.statistic,r.pvalue))
# 10. Quantiles, type 7 (NumPy's default linear interpolation), for the tail
# estimates that the block bootstrap resamples.
v=[0.8,1.3,0.95,2.4,1.1,1.05,3.9,1.2,0.99,1.15,1.4,1.0]
for q in (0.5,0.9,0.95,0.99):
    print("quantile q=%g %.15g"%(q,float(np.quantile(v,q))))
# 11. Minimum detectable effect and trials needed (normal approximation with
# the rank test's efficiency 3/pi), on the ratio scale (log values) and the
# shift scale (raw values, e.g. error rates in %).
a=[1.2,0.0,0.5,0.8,0.0,0.3]; b=[0.9,1.6,0.4,2.0,1.1,0.7,1.3]
def pooled(x,y): return math.sqrt(((len(x)-1)*np.var(x,ddof=1)+(len(y)-1)*np.var(y,ddof=1))/(len(x)+len(y)-2))
eff=3/math.pi
s=pooled(a,b); d=(stats.norm.ppf(0.975)+stats.norm.ppf(0.8))*s*math.sqrt(1/len(a)+1/len(b))/math.sqrt(eff)
print("mde shift %.15g"%d)
z=stats.norm.ppf(0.95)+stats.norm.ppf(0.9); print("trials shift margin 0.1: %d"%math.ceil(2*z*z*s*s/0.1**2/eff))
la=[math.log(v) for v in (100,104,97,110,101,99)]; lb=[math.log(v) for v in (105,98,112,103,100,107,102)]
s=pooled(la,lb); d=(stats.norm.ppf(0.975)+stats.norm.ppf(0.8))*s*math.sqrt(1/6+1/7)/math.sqrt(eff)
print("mde ratio %.15g"%(math.exp(d)-1))
print("trials ratio margin 0.05: %d"%math.ceil(2*z*z*s*s/math.log(1.05)**2/eff))
# 12. Paired comparisons (randomised blocks): Wilcoxon signed-rank test of
# the differences, SciPy defaults (zero_method='wilcox', correction=False,
# exact when n <= 50 with no zeros; the exact case below has no ties), and
# the one-sample Hodges-Lehmann estimate (median of the Walsh averages) with
# the normal-approximation critical value, as for the two-sample interval.
d1=[0.12,-0.03,0.25,0.08,0.31,-0.11,0.19,0.05,0.22,0.14]
r=stats.wilcoxon(d1); print("signedrank exact p=%.15g"%r.pvalue)
d2=[0.1,0.0,0.2,0.1,-0.1,0.3,0.2,0.0,0.1,0.4,-0.2,0.1]
r=stats.wilcoxon(d2, zero_method='wilcox', correction=False, method='approx'); print("signedrank approx ties+zeros p=%.15g"%r.pvalue)
d3=[((i*37)%23-9)/10.0 for i in range(60)]
r=stats.wilcoxon(d3, method='approx'); print("signedrank n=60 p=%.15g"%r.pvalue)
w=sorted((d1[i]+d1[j])/2 for i in range(len(d1)) for j in range(i,len(d1)))
n=len(d1); N=len(w); z=stats.norm.ppf(0.975)
k=math.floor(N/2 - z*math.sqrt(n*(n+1)*(2*n+1)/24))
print("walsh est=%r k=%d lo=%r hi=%r"%(float(np.median(w)),k,w[k],w[N-1-k]))
