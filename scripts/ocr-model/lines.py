#!/usr/bin/python3
"""Lines of text like those on US tax documents, for training a reader of blurred photos (see train.sh).

General on purpose: IRS forms' printed wording, random English words as names and places, random amounts and numbers.
Nothing from TaxGenius' own synthetic forms' lists (their companies, payers, people, streets, cities).
"""
import random, re, sys

# Usage: lines.py SEED COUNT OUT WORDS  (WORDS: one word per line, Tesseract's English word list; train.sh extracts it)
seed, count, out, wordlist = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
r = random.Random(seed)
words = [w for w in open(wordlist, encoding='utf-8').read().split() if re.fullmatch(r"[A-Za-z][a-z'\-]{1,13}", w)]
lower = [w for w in words if w.islower()]
caps = [w for w in words if w[0].isupper()]

LABELS = """Wages, tips, other compensation|Federal income tax withheld|Social security wages|Social security tax withheld
Medicare wages and tips|Medicare tax withheld|Social security tips|Allocated tips|Dependent care benefits|Nonqualified plans
See instructions for box 12|Statutory employee|Retirement plan|Third-party sick pay|Other|State|Employer's state ID number
State wages, tips, etc.|State income tax|Local wages, tips, etc.|Local income tax|Locality name|Employee's social security number
Employer identification number (EIN)|Employer's name, address, and ZIP code|Control number|Employee's first name and initial|Last name
Employee's address and ZIP code|Wage and Tax Statement|Copy B-To Be Filed With Employee's FEDERAL Tax Return
This information is being furnished to the Internal Revenue Service|Department of the Treasury - Internal Revenue Service
PAYER'S name, street address, city or town, state or province, country, ZIP or foreign postal code, and telephone no.
PAYER'S TIN|RECIPIENT'S TIN|RECIPIENT'S name|Street address (including apt. no.)|City or town, state or province, country, and ZIP or foreign postal code
Account number (see instructions)|FATCA filing requirement|Interest income|Early withdrawal penalty
Interest on U.S. Savings Bonds and Treasury obligations|Investment expenses|Foreign tax paid|Tax-exempt interest
Specified private activity bond interest|Market discount|Bond premium|Bond premium on Treasury obligations|Tax-exempt bond CUSIP no.
Total ordinary dividends|Qualified dividends|Total capital gain distr.|Unrecap. Sec. 1250 gain|Section 1202 gain
Collectibles (28%) gain|Section 897 ordinary dividends|Section 897 capital gain|Nondividend distributions|Section 199A dividends
Exempt-interest dividends|Cash liquidation distributions|Noncash liquidation distributions|Dividends and Distributions
Proceeds From Broker and Barter Exchange Transactions|Description of property|Date acquired|Date sold or disposed|Proceeds
Cost or other basis|Accrued market discount|Wash sale loss disallowed|Short-term gain or loss|Long-term gain or loss
Nonemployee Compensation|Nonemployee compensation|Payer made direct sales totaling $5,000 or more|State tax withheld
State/Payer's state no.|State income|Miscellaneous Information|Rents|Royalties|Other income|Fishing boat proceeds
Medical and health care payments|Substitute payments in lieu of dividends or interest|Crop insurance proceeds
Gross proceeds paid to an attorney|Fish purchased for resale|Section 409A deferrals|Excess golden parachute payments
Distributions From Pensions, Annuities, Retirement or Profit-Sharing Plans, IRAs, Insurance Contracts, etc.
Gross distribution|Taxable amount|Taxable amount not determined|Total distribution|Capital gain (included in box 2a)
Employee contributions/Designated Roth contributions or insurance premiums|Net unrealized appreciation in employer's securities
Distribution code(s)|IRA/SEP/SIMPLE|Your percentage of total distribution|Total employee contributions
Certain Government Payments|Unemployment compensation|State or local income tax refunds, credits, or offsets|Box 2 amount is for tax year
RTAA payments|Taxable grants|Agriculture payments|Mortgage Interest Statement|Mortgage interest received from payer(s)/borrower(s)
Outstanding mortgage principal|Mortgage origination date|Refund of overpaid interest|Mortgage insurance premiums
Points paid on purchase of principal residence|Address or description of property securing mortgage|Number of properties securing the mortgage
RECIPIENT'S/LENDER'S name, street address, city or town, state or province, country, ZIP or foreign postal code, and telephone no.
PAYER'S/BORROWER'S name|Tuition Statement|Payments received for qualified tuition and related expenses|Adjustments made for a prior year
Scholarships or grants|Adjustments to scholarships or grants for a prior year|Checked if at least half-time student
Checked if a graduate student|FILER'S employer identification no.|STUDENT'S TIN|STUDENT'S name
Health Insurance Marketplace Statement|Marketplace identifier|Marketplace-assigned policy number|Policy issuer's name
Monthly enrollment premiums|Monthly second lowest cost silver plan (SLCSP) premium|Monthly advance payment of premium tax credit
U.S. Individual Income Tax Return|Filing Status|Single|Married filing jointly|Married filing separately (MFS)|Head of household (HOH)
Qualifying surviving spouse (QSS)|Your first name and middle initial|If joint return, spouse's first name and middle initial
Home address (number and street). If you have a P.O. box, see instructions.|Apt. no.|Presidential Election Campaign
Total amount from Form(s) W-2, box 1|Tax-exempt interest|Taxable interest|Ordinary dividends|IRA distributions
Pensions and annuities|Social security benefits|Capital gain or (loss). Attach Schedule D if required.
Additional income from Schedule 1, line 10|This is your total income|Adjustments to income from Schedule 1, line 26
This is your adjusted gross income|Standard deduction or itemized deductions (from Schedule A)|Qualified business income deduction
Taxable income|Total tax|Federal income tax withheld from|Amount you owe|Refund|Amount of line 34 you want refunded to you
Driver License|Identification Card|Date of Birth|Expires|Issued|Class|Sex|Height|Eyes|Donor|Restrictions|Endorsements
Copy B For Recipient|Copy 2 To be filed with recipient's state income tax return|Copy C For Recipient's Records
For Privacy Act and Paperwork Reduction Act Notice, see separate instructions.|Cat. No. 10134D|OMB No. 1545-0008
Void|Corrected|Corrected (if checked)|Tax Year|Statement Date|Page 1 of 2|Account Summary|Year-End Summary
Summary of Income|Amount|Description|Total|Subtotal|Balance|Recipient|Payer|Employer|Employee|Borrower|Lender|Student|Filer""".replace('\n', '|').split('|')

STATES = 'AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC'.split()
SUFFIXES = ['Inc', 'Inc.', 'LLC', 'Co', 'Co.', 'Corp', 'Corporation', 'Company', 'Bank', 'Credit Union', 'Trust Company', 'Services',
            'Group', 'Partners', 'Holdings', 'Savings', 'Federal Credit Union', 'Investments', 'Financial', 'University', 'College', 'N.A.']
STREETS = ['St', 'St.', 'Ave', 'Ave.', 'Rd', 'Blvd', 'Ct', 'Dr', 'Ln', 'Way', 'Pkwy', 'Street', 'Avenue', 'Road', 'Suite', 'Apt']
CODES = list('ABCDEFGHJKLMNPQRSTVWYZ') + ['AA', 'BB', 'DD', 'EE', 'FF', 'GG', 'HH']


def cap(w): return w[0].upper() + w[1:]
def amount():
    v = r.choice([r.uniform(0, 100), r.uniform(0, 1000), r.uniform(0, 10000), r.uniform(0, 100000), r.uniform(0, 1000000)])
    s = f"{v:,.2f}" if r.random() < 0.8 else f"{v:.2f}"
    return ('$' if r.random() < 0.15 else '') + s
def ssn():
    d = f"{r.randint(0, 9999):04d}"
    return r.choice([f"XXX-XX-{d}", f"***-**-{d}", f"xxx-xx-{d}", f"{r.randint(100, 899)}-{r.randint(10, 99)}-{d}"])
def ein(): return f"{r.randint(10, 99)}-{r.randint(0, 9999999):07d}"
def name(): return ' '.join(cap(r.choice(lower)) if r.random() < 0.6 else r.choice(caps) for _ in range(r.randint(1, 3))) + (' ' + r.choice(SUFFIXES) if r.random() < 0.6 else '')
def person(): return f"{r.choice(caps)} {r.choice('ABCDEFGHJKLMNPRSTW') + '. ' if r.random() < 0.3 else ''}{r.choice(caps)}"
def address():
    return f"{r.randint(1, 9999)} {cap(r.choice(lower))} {r.choice(STREETS)}, {cap(r.choice(lower))}, {r.choice(STATES)} {r.randint(501, 99950):05d}"
def date(): return r.choice([f"{r.randint(1, 12):02d}/{r.randint(1, 28):02d}/{r.randint(2015, 2026)}", f"{r.randint(2015, 2026)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"])
def box(): return r.choice(['', '', f"{r.randint(1, 20)}{r.choice(['', '', 'a', 'b'])} ", f"Box {r.randint(1, 20)}{r.choice(['', '', 'a', 'b'])} ", f"{r.choice('abcdef')} "])
def form(): return r.choice(['W-2', '1099-INT', '1099-DIV', '1099-B', '1099-NEC', '1099-MISC', '1099-R', '1099-G', '1098', '1098-T', '1095-A', '1040', 'W-9', '1099-K', '1099-SA', '5498', 'SSA-1099'])


def line():
    k = r.random()
    if k < 0.30: return box() + r.choice(LABELS) + (('  ' + amount()) if r.random() < 0.4 else '')
    if k < 0.42: return '   '.join(amount() for _ in range(r.randint(1, 3)))
    if k < 0.54: return (r.choice(["Payer's name: ", "Employer: ", "Lender: ", ''])) + name()
    if k < 0.62: return address()
    if k < 0.70: return r.choice(["Payer's TIN: ", "Recipient's TIN: ", "EIN ", "SSN ", '', '']) + (ssn() if r.random() < 0.55 else ein()) + (('   ' + r.choice([ssn(), ein(), amount()])) if r.random() < 0.3 else '')
    if k < 0.76: return person() + (('   ' + address()) if r.random() < 0.3 else '')
    if k < 0.84: return f"Form {form()} {r.choice(['', 'Tax Year ', ''])}{r.randint(2015, 2026)} " + r.choice(LABELS)
    if k < 0.90: return ' '.join([r.choice(['Date ', 'Issued ', 'Expires ', '']) + date(), r.choice(['', f"Code {r.choice(CODES)}", r.choice(CODES) + '  ' + amount()])])
    return ' '.join((cap(w) if r.random() < 0.2 else w) for w in r.choices(lower, k=r.randint(2, 8)))


with open(out, 'w', encoding='utf-8') as f:
    for _ in range(count):
        f.write(line().strip() + '\n')
